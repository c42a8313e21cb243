function Initialize-GitHubOidcContext {
    <#
        .SYNOPSIS
        Resolves -Context once per command (begin block) and checks it with the native layer.

        .DESCRIPTION
        Returns an object with Context (the GitHubOidcContext to pass to the facade), Info (the
        resolved host name, kind, API base and issuer, from Rust) and Target (the host name).
        Returns an ErrorRecord (GitHubOidc.InvalidArgument, ...) instead when the context cannot be
        used; with -Cmdlet that record is thrown as the calling command's terminating error. With
        -RequireToken a context without a token fails here, before any request, with a message
        that says how to provide one.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject], [System.Management.Automation.ErrorRecord])]
    param(
        # What the user passed as -Context.
        [Parameter()]
        [AllowNull()]
        [object] $Context,

        # Do not look up a token (discovery, completion).
        [Parameter()]
        [switch] $NoToken,

        # Fail when no token is found.
        [Parameter()]
        [switch] $RequireToken,

        # The calling command: a context that cannot be used is its terminating error.
        [Parameter()]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    if ($Cmdlet) {
        $state = Initialize-GitHubOidcContext -Context $Context -NoToken:$NoToken -RequireToken:$RequireToken
        if ($state -is [System.Management.Automation.ErrorRecord]) {
            $Cmdlet.ThrowTerminatingError($state)
        }
        return $state
    }

    try {
        $resolved = Resolve-GitHubOidcContext -Context $Context -NoToken:$NoToken
    } catch {
        # A value that does not convert (TimeoutSec = 'soon', ...).
        return New-GitHubOidcErrorRecord -Exception ([System.ArgumentException]::new("Invalid context: $($_.Exception.Message)")) -TargetObject 'Context'
    }
    if ($resolved -is [System.Management.Automation.ErrorRecord]) {
        return $resolved
    }
    $info = Invoke-GitHubOidcNative -Method Context -ArgumentList $resolved
    if ($info -is [System.Exception]) {
        return New-GitHubOidcErrorRecord -Exception $info -TargetObject "$resolved" -Secret $resolved.Token
    }

    $hostName = [string]$info['host_name']
    if ($RequireToken -and -not $info['has_token']) {
        $message = "No GitHub token for $hostName. Pass -Context @{ HostName = '$hostName'; Token = <token> } (a string or a SecureString), " +
        "set GH_TOKEN or GITHUB_TOKEN, or run 'gh auth login --hostname $hostName'."
        $record = [System.Management.Automation.ErrorRecord]::new(
            [System.ArgumentException]::new($message),
            'GitHubOidc.InvalidArgument',
            [System.Management.Automation.ErrorCategory]::AuthenticationError,
            $hostName)
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($message)
        $record.ErrorDetails.RecommendedAction = "Set GH_TOKEN, pass -Context @{ Token = ... }, or run 'gh auth login --hostname $hostName'."
        return $record
    }

    $source = if ($resolved.TokenSource) { " (token from $($resolved.TokenSource))" } else { '' }
    Write-Verbose "GitHubOidc: $hostName, API $($info['api_base_uri']), issuer $($info['issuer_uri'])$source."
    [pscustomobject]@{
        Context = $resolved
        Info    = $info
        Target  = $hostName
    }
}
