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
        of the request (its Token, its context's Token) is kept out of the record. The work is
        GitHubOidc.Native.NativeCommand's. Tests mock this function and filter on $Request's
        named properties.
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

    # GitHubOidc.Native/NativeCommand.cs does the work (issue 20: every session's first command
    # runs it, and compiled as a script it cost that command its compilation).
    $answer = [GitHubOidc.Native.NativeCommand]::Invoke(
        $PSCmdlet, $ExecutionContext.SessionState, $Request, $Cmdlet, $TargetObject, $Terminating.IsPresent, $Failures)
    # Nothing at all (not $null) after a failure written to -Cmdlet.
    if ($null -ne $answer) {
        $answer
    }
}
