function Initialize-GitHubOidcContext {
    <#
        .SYNOPSIS
        Resolves -Context once per command (begin block) and checks it with the native layer.

        .DESCRIPTION
        Returns an object with Context (the GitHubOidcContext to pass to the facade), Info (the
        resolved host name, kind, API base and issuer, from Rust) and Target (the host name).
        Throws an ErrorRecord (GitHubOidc.InvalidArgument, ...) that the public command rethrows
        with ThrowTerminatingError. With -RequireToken a context without a token fails here,
        before any request, with a message that says how to provide one.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
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
        [switch] $RequireToken
    )

    $resolved = $null
    try {
        $resolved = Resolve-GitHubOidcContext -Context $Context -NoToken:$NoToken
        $info = Invoke-GitHubOidcNative -Method Context -ArgumentList $resolved
    } catch {
        $info = $_.Exception
    }
    if ($info -is [System.Exception]) {
        $target = if ($resolved) { "$resolved" } elseif ($Context -is [string]) { $Context } else { 'Context' }
        throw (New-GitHubOidcErrorRecord -Exception $info -TargetObject $target -Secret $resolved.Token)
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
        throw $record
    }

    $source = if ($resolved.TokenSource) { " (token from $($resolved.TokenSource))" } else { '' }
    Write-Verbose "GitHubOidc: $hostName, API $($info['api_base_uri']), issuer $($info['issuer_uri'])$source."
    [pscustomobject]@{
        Context = $resolved
        Info    = $info
        Target  = $hostName
    }
}
