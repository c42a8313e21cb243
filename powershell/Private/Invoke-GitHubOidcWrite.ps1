function Invoke-GitHubOidcWrite {
    <#
        .SYNOPSIS
        Plan, ask, apply: the one way a command writes to GitHub.

        .DESCRIPTION
        Sends the write request first with DryRun = $true: the native layer makes every check and
        read the write needs and answers the exact request it would send (method, URL, JSON body)
        with its warnings, and sends nothing. The warnings are written, then ShouldProcess is
        asked with that exact request, so -WhatIf and -Confirm show the real body. Only when it
        is approved is the same request sent with DryRun = $false. Returns the native answer of
        the write, or nothing (declined, or failed: the error is written to -Cmdlet).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        # A write request (it has a DryRun property).
        [Parameter(Mandatory)]
        [GitHubOidc.Native.INativeRequest] $Request,

        # The calling command (ShouldProcess and error records).
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The error records' target object.
        [Parameter(Mandatory)]
        [object] $TargetObject,

        # What is written, for ShouldProcess ("OIDC subject claim for repository [o/r]").
        [Parameter(Mandatory)]
        [string] $What,

        # The action, for ShouldProcess ("Set", "Add", "Remove").
        [Parameter(Mandatory)]
        [string] $Action
    )

    $Request.DryRun = $true
    $plan = Invoke-GitHubOidcNative -Request $Request -Cmdlet $Cmdlet -TargetObject $TargetObject
    if ($null -eq $plan) { return }
    foreach ($warning in @($plan['warnings'])) {
        if ($warning) { $Cmdlet.WriteWarning($warning) }
    }
    $sending = "$($plan['method']) $($plan['url'])"
    if ($plan['body']) { $sending += " $($plan['body'])" }
    if (-not $Cmdlet.ShouldProcess($What, "$Action ($sending)")) {
        return
    }
    Write-Verbose "GitHubOidc: $Action $What`: $sending"
    $Request.DryRun = $false
    $answer = Invoke-GitHubOidcNative -Request $Request -Cmdlet $Cmdlet -TargetObject $TargetObject
    if ($null -eq $answer) { return }
    # The plan's warnings were written; only new ones (the state changed in between) are.
    foreach ($warning in @($answer['warnings'])) {
        if ($warning -and @($plan['warnings']) -notcontains $warning) { $Cmdlet.WriteWarning($warning) }
    }
    $answer
}
