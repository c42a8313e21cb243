function Invoke-GitHubOidcInventory {
    <#
        .SYNOPSIS
        Runs a fleet inventory to its end with progress, for the commands that compute from it.

        .DESCRIPTION
        Starts ghoidc_fleet_start and reads ghoidc_fleet_next until the run is done, showing
        repositories done / total and the rate-limit state with Write-Progress. A repository whose
        read failed is written as an error record of the calling command (target owner/repository):
        nothing is dropped silently. A run that fails as a whole is a terminating error. Returns the
        job id. The id is also added to -Jobs as soon as the job exists: the caller closes every id
        there (Close-GitHubOidcInventory) in a finally block, which also cancels the run when the
        user presses Ctrl+C while this function waits.
    #>
    [CmdletBinding()]
    [OutputType([long])]
    param(
        # The organization or user.
        [Parameter(Mandatory)]
        [string] $Owner,

        # List archived repositories too.
        [Parameter()]
        [switch] $IncludeArchived,

        # The resolved context (Initialize-GitHubOidcContext).
        [Parameter(Mandatory)]
        [object] $State,

        # The calling command (error records).
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # Receives the job id once it exists (the caller closes it).
        [Parameter(Mandatory)]
        [AllowEmptyCollection()]
        [System.Collections.IList] $Jobs,

        # The progress activity.
        [Parameter()]
        [string] $Activity = 'Reading OIDC settings'
    )

    $options = [GitHubOidc.Native.InventoryOptions]@{ Owner = $Owner; IncludeArchived = $IncludeArchived.IsPresent }
    $start = [GitHubOidc.Native.FleetStartRequest]@{ Context = $State.Context; Options = $options }
    $started = Invoke-GitHubOidcNative -Request $start -Cmdlet $Cmdlet -TargetObject $Owner -Terminating
    $job = [long]$started['job']
    $null = $Jobs.Add($job)
    $activity = "$Activity of $Owner"
    try {
        while ($true) {
            $next = [GitHubOidc.Native.FleetNextRequest]@{ Job = $job; WaitMs = 250 }
            $batch = Invoke-GitHubOidcNative -Request $next -Cmdlet $Cmdlet -TargetObject $Owner -Terminating
            foreach ($item in @($batch['items'])) {
                $failure = $item['failure']
                if ($failure) {
                    $target = "$($failure['owner'])/$($failure['repository'])"
                    $exception = [GitHubOidc.Native.GitHubOidcException]::new(
                        [GitHubOidc.Native.GhoidcStatus]([int]$failure['error']['code']), $failure['error'])
                    $Cmdlet.WriteError((New-GitHubOidcErrorRecord -Exception $exception -TargetObject $target -Secret $State.Context.Token))
                }
            }
            $progress = $batch['progress']
            $done = [long]$progress['completed'] + [long]$progress['failed']
            $total = $progress['total']
            $rate = $progress['rate_limit']
            $status = if ($null -ne $total) { "$done of $total repositories" } else { "$done repositories, $($progress['listed']) listed" }
            if ($rate -and $null -ne $rate['remaining']) { $status += "; rate limit $($rate['remaining']) left" }
            if ($rate -and $rate['paused_until']) { $status += '; paused by a rate limit' }
            $percent = if ($total) { [math]::Min(100, [int](100 * $done / [math]::Max(1, [long]$total))) } else { -1 }
            Write-Progress -Activity $activity -Status $status -PercentComplete $percent
            if ($batch['done']) { break }
        }
    } finally {
        Write-Progress -Activity $activity -Completed
    }
    $job
}
