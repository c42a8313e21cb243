function Invoke-GitHubOidcNative {
    <#
        .SYNOPSIS
        The single seam between the script layer and the native library.

        .DESCRIPTION
        Sends one request object (a class generated from the Rust contract, e.g.
        [GitHubOidc.Native.GetSubjectClaimRequest]) to its export and returns the answer: a
        case-insensitive Hashtable (or an object[] for a JSON array). The facade returns failures
        instead of throwing them (a thrown exception would land in $Error and -ErrorVariable
        several times). With -Cmdlet, a failure is written to that command as a GitHubOidc.*
        ErrorRecord (terminating with -Terminating) and nothing is returned; without it, the
        GitHubOidcException is returned; -Failures also collects the written record. Every secret
        of the request (its Token, its context's
        Token) is kept out of the record. Tests mock this function and filter on
        $Request's named properties.
    #>
    [CmdletBinding()]
    [OutputType([hashtable], [object[]])]
    param(
        # The request: an instance of a generated request class.
        [Parameter(Mandatory, Position = 0)]
        [GitHubOidc.Native.INativeRequest] $Request,

        # The calling command: failures are written to it and nothing is returned.
        [Parameter()]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The target object of the error record (owner/repo, enterprise, host).
        [Parameter()]
        [AllowNull()]
        [object] $TargetObject,

        # Write the failure as a terminating error.
        [Parameter()]
        [switch] $Terminating,

        # With -Cmdlet: the written error record is also added here (e.g. for a result object).
        [Parameter()]
        [AllowNull()]
        [System.Collections.IList] $Failures
    )

    if (-not $script:GitHubOidcFormatLoaded) {
        # The module's format views, on its first native call rather than at import (GitHubOidc.psm1),
        # as the nested module GitHubOidc.Format.psd1 (why not Update-FormatData: see that file).
        $script:GitHubOidcFormatLoaded = $true
        if ($script:GitHubOidcFormatPath -and [System.IO.File]::Exists($script:GitHubOidcFormatPath)) {
            Import-Module -Name $script:GitHubOidcFormatPath -Verbose:$false
        }
    }
    if ($DebugPreference -ne 'SilentlyContinue') {
        # The context's text is what the user typed (a host name that may really be a token).
        $context = $Request.PSObject.Properties['Context']
        $where = if ($context -and $context.Value) { " ($([GitHubOidc.Native.NativeClient]::Redact([string]$context.Value)))" } else { '' }
        Write-Debug "GitHubOidc: native $($Request.Export)$where"
    }
    $result = [GitHubOidc.Native.NativeClient]::Invoke($Request)
    if ($result.Ok) {
        return $result.Value
    }
    if (-not $Cmdlet) {
        return $result.Error
    }
    # Only on a failure: reading the request's properties through PowerShell costs on every call.
    $context = $Request.PSObject.Properties['Context']
    $secrets = @(
        $token = $Request.PSObject.Properties['Token']
        if ($token) { $token.Value }
        if ($context -and $context.Value) { $context.Value.Token; $context.Value.PrivateKey }
    )
    $record = New-GitHubOidcErrorRecord -Exception $result.Error -TargetObject $TargetObject -Secret $secrets
    if ($null -ne $Failures) {
        $null = $Failures.Add($record)
    }
    if ($Terminating) {
        $Cmdlet.ThrowTerminatingError($record)
    }
    $Cmdlet.WriteError($record)
}
