function Find-GitHubOidcToken {
    <#
        .SYNOPSIS
        Fills a context's Token from the first of the given environment variables that is set,
        else from the GitHub CLI; leaves it empty when neither has one.

        .DESCRIPTION
        The variables and the host for gh come from the native layer (ghoidc_context), which
        knows which apply to the host's kind. Environment variables are read here, not in the
        native library: PowerShell's $env: changes are not visible to native code on Linux/macOS.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        # The context to fill.
        [Parameter(Mandatory)]
        [GitHubOidc.Native.GitHubOidcContext] $Context,

        # Environment variables to try, in order.
        [Parameter()]
        [AllowEmptyCollection()]
        [string[]] $Variable = @(),

        # The host name to pass to 'gh auth token --hostname'.
        [Parameter()]
        [AllowEmptyString()]
        [string] $GhHost
    )

    foreach ($name in $Variable) {
        $fromEnvironment = [System.Environment]::GetEnvironmentVariable($name)
        if ($fromEnvironment) {
            $Context.Token = $fromEnvironment
            $Context.TokenSource = $name
            return
        }
    }
    $gh = Get-Command -Name 'gh' -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $gh -or -not $GhHost) {
        return
    }
    Write-Verbose "GitHubOidc: asking the GitHub CLI for a token for $GhHost."
    $previousPrompt = $env:GH_PROMPT_DISABLED
    try {
        $env:GH_PROMPT_DISABLED = '1'
        $output = & $gh.Source auth token --hostname $GhHost 2>$null
        if ($LASTEXITCODE -eq 0 -and $output) {
            $candidate = (@($output) -join '').Trim()
            if ($candidate) {
                $Context.Token = $candidate
                $Context.TokenSource = 'gh'
            }
        }
    } catch {
        Write-Verbose "GitHubOidc: the GitHub CLI gave no token for $GhHost."
    } finally {
        $env:GH_PROMPT_DISABLED = $previousPrompt
    }
}
