function Resolve-GitHubOidcContext {
    <#
        .SYNOPSIS
        Turns what the user passed as -Context into a GitHubOidc.Native.GitHubOidcContext.

        .DESCRIPTION
        Accepts nothing (GH_HOST, else github.com), a host name string, a GitHubOidcContext, or any
        object or hashtable with some of HostName, ApiBaseUri, IssuerUri, Token (string or
        SecureString), TimeoutSec, MaxRetries and MaxRetryWaitSec. PSModule/GitHub context objects
        carry HostName, ApiBaseUri and Token and work as they are.

        When the context has no token and -NoToken is not given, the token comes from GH_TOKEN,
        then GITHUB_TOKEN (for a GitHub Enterprise Server host, GH_ENTERPRISE_TOKEN and
        GITHUB_ENTERPRISE_TOKEN come first), then 'gh auth token --hostname HOST' when gh is installed. TokenSource
        records where it came from. The token itself is never written to any stream.

        An invalid context is returned as an ErrorRecord (GitHubOidc.InvalidArgument), not thrown:
        an exception caught on its way out of a nested function would be recorded in $Error and
        -ErrorVariable several times.

        With -NoToken no token is looked up and any token in the context is dropped: discovery
        and argument completion never need one, and must never run gh.
    #>
    [CmdletBinding()]
    [OutputType([GitHubOidc.Native.GitHubOidcContext], [System.Management.Automation.ErrorRecord])]
    param(
        # What the user passed as -Context.
        [Parameter()]
        [AllowNull()]
        [object] $Context,

        # Do not look up or keep a token.
        [Parameter()]
        [switch] $NoToken
    )

    $result = [GitHubOidc.Native.GitHubOidcContext]::new()
    $value = $Context
    if ($value -is [System.Management.Automation.PSObject]) {
        $value = $value.PSObject.BaseObject
    }

    if ($null -eq $value) {
        $result.HostName = if ($env:GH_HOST) { $env:GH_HOST } else { 'github.com' }
    } elseif ($value -is [string]) {
        if ([string]::IsNullOrWhiteSpace($value)) {
            return Get-GitHubOidcContextError (
                'The context is an empty string. Pass a host name such as github.com, an object with HostName/ApiBaseUri/Token, or omit -Context.')
        }
        if ($value.Trim() -match '^(gh[pousr]_|github_pat_)|^[0-9a-fA-F]{40}$') {
            # Never echo it, never send it anywhere as a host name.
            return Get-GitHubOidcContextError (
                'The context looks like a token, not a host name. Pass -Context @{ HostName = ...; Token = <token> } or set GH_TOKEN.')
        }
        $result.HostName = $value.Trim()
    } elseif ($value -is [GitHubOidc.Native.GitHubOidcContext]) {
        foreach ($name in 'HostName', 'ApiBaseUri', 'IssuerUri', 'Token', 'TokenSource', 'TimeoutSec', 'MaxRetries', 'MaxRetryWaitSec') {
            $result.$name = $value.$name
        }
    } else {
        # A dictionary is read as is; any other object through its PSObject (pscustomobject
        # properties live on the wrapper, not on the base object).
        $source = if ($value -is [System.Collections.IDictionary]) { $value } else { $Context }
        foreach ($name in 'HostName', 'ApiBaseUri', 'IssuerUri') {
            $item = Get-GitHubOidcContextMember -InputObject $source -Name $name
            if ($null -ne $item -and "$item" -ne '') {
                $result.$name = "$item"
            }
        }
        foreach ($name in 'TimeoutSec', 'MaxRetryWaitSec') {
            $item = Get-GitHubOidcContextMember -InputObject $source -Name $name
            if ($null -ne $item -and "$item" -ne '') {
                $number = $item -as [double]
                if ($null -eq $number) {
                    return Get-GitHubOidcContextError "The context's $name must be a number of seconds."
                }
                $result.$name = $number
            }
        }
        $item = Get-GitHubOidcContextMember -InputObject $source -Name 'MaxRetries'
        if ($null -ne $item -and "$item" -ne '') {
            $number = $item -as [int]
            if ($null -eq $number) {
                return Get-GitHubOidcContextError "The context's MaxRetries must be a whole number."
            }
            $result.MaxRetries = $number
        }

        $token = Get-GitHubOidcContextMember -InputObject $source -Name 'Token'
        if ($token -is [System.Management.Automation.PSObject]) {
            $token = $token.PSObject.BaseObject
        }
        if ($token -is [securestring]) {
            $token = [System.Net.NetworkCredential]::new('', $token).Password
        }
        if ($token -is [string] -and $token.Trim() -ne '') {
            $result.Token = $token
            $result.TokenSource = 'Context'
        } elseif ($null -ne $token -and $token -isnot [string]) {
            return Get-GitHubOidcContextError ("The context's Token must be a string or a SecureString, not [$($token.GetType().FullName)].")
        }
        if (-not $result.HostName -and -not $result.ApiBaseUri) {
            $result.HostName = if ($env:GH_HOST) { $env:GH_HOST } else { 'github.com' }
        }
    }

    if ($NoToken) {
        # NullString: assigning $null to a .NET string property would store ''.
        $result.Token = [NullString]::Value
        $result.TokenSource = [NullString]::Value
        return $result
    }

    if (-not $result.Token) {
        # As the GitHub CLI: GitHub Enterprise Server hosts look at GH_ENTERPRISE_TOKEN and
        # GITHUB_ENTERPRISE_TOKEN first, so a github.com token in GH_TOKEN is not their first choice.
        $names = [System.Collections.Generic.List[string]]::new()
        $isGhes = $result.HostName -and $result.HostName -notmatch '^(https?://)?((api\.)?github\.com|([^./]+\.)?[^./]+\.ghe\.com)(/|$)'
        if ($isGhes) {
            $names.AddRange([string[]]@('GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'))
        }
        $names.AddRange([string[]]@('GH_TOKEN', 'GITHUB_TOKEN'))
        foreach ($name in $names) {
            $fromEnvironment = [System.Environment]::GetEnvironmentVariable($name)
            if ($fromEnvironment) {
                $result.Token = $fromEnvironment
                $result.TokenSource = $name
                break
            }
        }
        if (-not $result.Token) {
            $gh = Get-Command -Name 'gh' -CommandType Application -ErrorAction Ignore | Select-Object -First 1
            if ($gh) {
                $ghHost = if ($result.HostName) { $result.HostName } else { ([uri]$result.ApiBaseUri).Host }
                Write-Verbose "GitHubOidc: asking the GitHub CLI for a token for $ghHost."
                $previousPrompt = $env:GH_PROMPT_DISABLED
                try {
                    $env:GH_PROMPT_DISABLED = '1'
                    $output = & $gh.Source auth token --hostname $ghHost 2>$null
                    if ($LASTEXITCODE -eq 0 -and $output) {
                        $candidate = (@($output) -join '').Trim()
                        if ($candidate) {
                            $result.Token = $candidate
                            $result.TokenSource = 'gh'
                        }
                    }
                } catch {
                    Write-Verbose "GitHubOidc: the GitHub CLI gave no token for $ghHost."
                } finally {
                    $env:GH_PROMPT_DISABLED = $previousPrompt
                }
            }
        }
    }
    $result
}

function Get-GitHubOidcContextMember {
    <#
        .SYNOPSIS
        Reads one member of a context given as a hashtable or as any object; $null when absent.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        # The hashtable or object.
        [Parameter(Mandatory)]
        [object] $InputObject,

        # The member name (case-insensitive).
        [Parameter(Mandatory)]
        [string] $Name
    )

    if ($InputObject -is [System.Collections.IDictionary]) {
        foreach ($key in $InputObject.Keys) {
            if ($key -is [string] -and $key -eq $Name) {
                return $InputObject[$key]
            }
        }
        return $null
    }
    $property = [System.Management.Automation.PSObject]::AsPSObject($InputObject).PSObject.Properties[$Name]
    if ($property) {
        try {
            return $property.Value
        } catch {
            return $null
        }
    }
    $null
}

function Get-GitHubOidcContextError {
    <#
        .SYNOPSIS
        The GitHubOidc.InvalidArgument ErrorRecord for a context that cannot be used.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        # What is wrong and how to fix it (never the context's value: it may hold a token).
        [Parameter(Mandatory, Position = 0)]
        [string] $Message
    )
    New-GitHubOidcErrorRecord -Exception ([System.ArgumentException]::new($Message)) -TargetObject 'Context'
}
