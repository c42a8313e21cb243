function Initialize-GitHubOidcContext {
    <#
        .SYNOPSIS
        Resolves -Context once per command (begin block) and checks it with the native layer.

        .DESCRIPTION
        Returns a GitHubOidc.Native.ContextState with Context (the GitHubOidcContext to pass in
        requests), Info (the resolved host name, kind, API base and issuer, from Rust) and Target
        (the host name). The work is GitHubOidc.Native.ContextInitializer's (C#: every session's
        first command runs it, and compiled as a script it cost that command ~90 ms; issue 20);
        its header has the rules.

        When the context carries no token (and -NoToken is not given), the token comes from the
        environment variables the native layer names for this kind of host (GitHub Enterprise
        Server: GH_ENTERPRISE_TOKEN and GITHUB_ENTERPRISE_TOKEN first, then GH_TOKEN and
        GITHUB_TOKEN), then from 'gh auth token --hostname HOST' when gh is installed.
        TokenSource records where it came from; the token is never written to any stream.
        Returns an ErrorRecord (GitHubOidc.InvalidArgument, ...) instead when the context cannot be
        used; with -Cmdlet that record is thrown as the calling command's terminating error. With
        -RequireToken a context without a token fails here, before any request, with a message
        that says how to provide one. A context with a GitHub App needs no token and none is
        looked up: requests use the App's installation tokens.

        The resolution is remembered for the next command ($script:GitHubOidcContextCache, one
        entry): given the same -Context again while GH_HOST and the token variables hold the same
        values, that command gets the same object without asking the native layer again.
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.Native.ContextState', [System.Management.Automation.ErrorRecord])]
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

    $writer = if ($Cmdlet) { $Cmdlet } else { $PSCmdlet }
    [GitHubOidc.Native.ContextInitializer]::Initialize(
        $writer, $ExecutionContext.SessionState, [bool]$Cmdlet, $Context, $NoToken.IsPresent, $RequireToken.IsPresent, $script:GitHubOidcContextCache)
}
