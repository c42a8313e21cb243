function Get-GitHubOidcConfigurationPlan {
    <#
        .SYNOPSIS
        Compare's core, shared by Compare- and Sync-GitHubOidcConfiguration: inventory, then compare.

        .DESCRIPTION
        Runs the inventory of the file's Owner (progress, error records for repositories that could
        not be read, Ctrl+C cancels it), then ghoidc_config_compare against that inventory, and
        closes the job. Warnings of the comparison are written. Returns the compare answer
        (differences, writes, warnings, write_interval_ms); a document that does not fit the
        organization (a named repository that does not exist, a tie between wildcard entries) is
        the calling command's terminating error, before any write.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        # The checked file (Read-GitHubOidcConfigurationFile).
        [Parameter(Mandatory)]
        [pscustomobject] $File,

        # Compare archived repositories too.
        [Parameter()]
        [switch] $IncludeArchived,

        # The resolved context.
        [Parameter(Mandatory)]
        [object] $State,

        # The calling command.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The progress activity.
        [Parameter()]
        [string] $Activity = 'Comparing OIDC settings'
    )

    $jobs = [System.Collections.Generic.List[long]]::new()
    try {
        $job = Invoke-GitHubOidcInventory -Owner $File.Owner -IncludeArchived:$IncludeArchived -State $State -Cmdlet $Cmdlet `
            -Jobs $jobs -Activity $Activity
        $request = [GitHubOidc.Native.ConfigCompareRequest]@{
            Job             = $job
            DocumentText    = $File.DocumentText
            Document        = $File.Document
            IncludeArchived = $IncludeArchived.IsPresent
        }
        $plan = Invoke-GitHubOidcNative -Request $request -Cmdlet $Cmdlet -TargetObject $File.Path -Terminating
    } finally {
        # Also when stopped (Ctrl+C): cancels the run, no request is sent after it.
        Close-GitHubOidcInventory -Jobs $jobs
    }
    foreach ($warning in @($plan['warnings'])) {
        if ($warning) { Write-Warning $warning }
    }
    $plan
}
