function Get-GitHubOidcWritePlan {
    <#
        .SYNOPSIS
        The dry run before every write: what exactly would be sent.

        .DESCRIPTION
        Sends a write request with DryRun = $true: the native layer makes every check and read
        the write needs and answers the exact request it would send (method, URL, JSON body) with
        its warnings, and sends nothing. The warnings are written (to the calling command), and the
        request is returned as one line ("PUT https://... {...}") for its ShouldProcess, so
        -WhatIf and -Confirm show the real body. The request is left with DryRun = $false and
        Approved = the dry run's request (method, URL, body and the fingerprint of the state it was
        computed from), ready to be sent once approved: the native layer then sends exactly that
        body, or nothing (GitHubOidc.Conflict) when that state changed on GitHub in between.
        Returns nothing when the dry run failed (the error is written).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # A write request (it has a DryRun property).
        [Parameter(Mandatory)]
        [GitHubOidc.Native.INativeRequest] $Request,

        # The calling command (warnings and error records).
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The error records' target object.
        [Parameter(Mandatory)]
        [object] $TargetObject,

        # The error record of a failed dry run is also added here.
        [Parameter()]
        [AllowNull()]
        [System.Collections.IList] $Failures
    )

    $Request.DryRun = $true
    $Request.Approved = $null
    $plan = Invoke-GitHubOidcNative -Request $Request -Cmdlet $Cmdlet -TargetObject $TargetObject -Failures $Failures
    $Request.DryRun = $false
    if ($null -eq $plan) { return }
    # What is shown is what may be sent: the write sends this request or nothing.
    $Request.Approved = [GitHubOidc.Native.ApprovedWrite]@{
        Method = $plan['method']; Url = $plan['url']; Body = $plan['body']; State = $plan['state']
    }
    foreach ($warning in @($plan['warnings'])) {
        # Write-Warning, not $Cmdlet.WriteWarning: the latter turns -Debug into a prompt.
        if ($warning) { Write-Warning $warning }
    }
    $sending = "$($plan['method']) $($plan['url'])"
    if ($plan['body']) { $sending += " $($plan['body'])" }
    $sending
}
