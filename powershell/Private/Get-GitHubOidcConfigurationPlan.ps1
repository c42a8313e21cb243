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
        [string] $Activity = 'Comparing OIDC settings',

        # The calling command's -MaxRateLimitWait, when given.
        [Parameter()]
        [AllowNull()]
        [object] $MaxRateLimitWait
    )

    $options = [GitHubOidc.Native.InventoryOptions]@{ Owner = $File.Owner; IncludeArchived = $IncludeArchived.IsPresent }
    $request = [GitHubOidc.Native.ConfigCompareRequest]@{
        DocumentText    = $File.DocumentText
        Document        = $File.Document
        IncludeArchived = $IncludeArchived.IsPresent
    }
    $plan = Invoke-GitHubOidcInventory -Options $options -State $State -Cmdlet $Cmdlet -Activity $Activity -Then $request -ThenTarget $File.Path `
        -MaxRateLimitWait $MaxRateLimitWait
    foreach ($warning in @($plan['warnings'])) {
        if ($warning) { Write-Warning $warning }
    }
    $plan
}
