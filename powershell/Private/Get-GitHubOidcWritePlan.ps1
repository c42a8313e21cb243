function Get-GitHubOidcWritePlan {
    <#
        .SYNOPSIS
        The dry run before every write: what exactly would be sent.

        .DESCRIPTION
        Sends a write request with DryRun = $true: the native layer makes every check and read
        the write needs and answers the exact request it would send (method, URL, JSON body) with
        its warnings, and sends nothing. The warnings are written (to the calling command), and the
        request is returned as one line ("PUT https://... {...}") for its ShouldProcess, so
        -WhatIf and -Confirm show the real body. The request is left with DryRun = $false, ready
        to be sent once approved. Returns nothing when the dry run failed (the error is written).
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
    $plan = Invoke-GitHubOidcNative -Request $Request -Cmdlet $Cmdlet -TargetObject $TargetObject -Failures $Failures
    $Request.DryRun = $false
    if ($null -eq $plan) { return }
    foreach ($warning in @($plan['warnings'])) {
        # Write-Warning, not $Cmdlet.WriteWarning: the latter turns -Debug into a prompt.
        if ($warning) { Write-Warning $warning }
    }
    $sending = "$($plan['method']) $($plan['url'])"
    if ($plan['body']) { $sending += " $($plan['body'])" }
    $sending
}
