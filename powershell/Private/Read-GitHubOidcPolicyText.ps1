function Read-GitHubOidcPolicyText {
    <#
        .SYNOPSIS
        The text of a trust configuration given with -Policy or -Path, for the native layer.

        .DESCRIPTION
        A file is read as it is; text (also the lines a native command wrote) is joined; any other
        object (parsed JSON, a hashtable) is sent as JSON text. User input shaping only: the native
        library parses and evaluates the configuration. A missing file or an empty configuration
        is the calling command's terminating error.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The configuration as text or an object (-Policy), or $null with -Path.
        [Parameter()]
        [AllowNull()]
        [object] $Policy,

        # The file holding it (-Path), or empty with -Policy.
        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Path,

        # The provider, for the error text.
        [Parameter(Mandatory)]
        [string] $Provider,

        # The calling command (terminating errors).
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    if ($Cmdlet.ParameterSetName -eq 'Path') {
        $file = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
        if (-not $file -or $file.PSIsContainer) {
            $Cmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -TargetObject $Path -Message (
                        "The policy file '$Path' was not found.")))
        }
        $policyText = Get-Content -LiteralPath $file.FullName -Raw
    } else {
        $items = @($Policy | ForEach-Object { if ($_ -is [System.Management.Automation.PSObject]) { $_.PSObject.BaseObject } else { $_ } })
        if ($items.Count -gt 0 -and @($items | Where-Object { $_ -isnot [string] }).Count -eq 0) {
            # Text, possibly as the lines a native command wrote.
            $policyText = $items -join "`n"
        } else {
            $policyText = ConvertTo-Json -InputObject $Policy -Depth 100 -Compress
        }
    }
    if ([string]::IsNullOrWhiteSpace($policyText)) {
        $Cmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -TargetObject $Provider -Message (
                    "The $Provider policy is empty: pass its JSON with -Policy or -Path.")))
    }
    $policyText
}
