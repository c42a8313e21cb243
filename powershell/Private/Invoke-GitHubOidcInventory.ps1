function Invoke-GitHubOidcInventory {
    <#
        .SYNOPSIS
        The one fleet job loop: starts an inventory, reads it to its end with progress, and closes it.

        .DESCRIPTION
        Starts ghoidc_fleet_start and reads ghoidc_fleet_next until the run is done, showing
        repositories done / total and the rate-limit state with Write-Progress (redrawn at most four
        times a second). A repository whose read failed is written as an error record of the calling
        command (target owner/repository): nothing is dropped silently.

        -Stream (Get-GitHubOidcRepository): every repository read is written as a
        GitHubOidc.RepositoryState as soon as it arrives; a run that fails as a whole is a
        non-terminating error of the calling command.

        -Then (Export-, Compare- and Sync-GitHubOidcConfiguration): the request (one with a Job
        property, e.g. ConfigExportRequest) is sent with the finished job's id and its answer is
        returned; a run that fails as a whole, or a failed -Then request, is a terminating error.

        When the run is done, -Verbose says how many of its answers came from the cache (GitHub
        answered 304 Not Modified to the validators kept from an earlier run: no primary rate limit
        spent), and a GitHubOidc.RunSummary object goes to the calling command's information stream
        (tag GitHubOidc.RunSummary; read it with -InformationVariable): Owner, Repositories, Failed,
        Answers, FromCache, RateLimitRemaining, RateLimitLimit.

        Either way the job is closed in a finally block, so Ctrl+C (the pipeline being stopped)
        cancels the run: no request is sent after it.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Stream')]
    [OutputType('GitHubOidc.RepositoryState', ParameterSetName = 'Stream')]
    [OutputType([hashtable], ParameterSetName = 'Then')]
    param(
        # What to inventory (Owner, Repositories, IncludeArchived, ThrottleLimit).
        [Parameter(Mandatory)]
        [GitHubOidc.Native.InventoryOptions] $Options,

        # The resolved context (Initialize-GitHubOidcContext).
        [Parameter(Mandatory)]
        [object] $State,

        # The calling command (error records).
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The progress activity, followed by " of <owner>".
        [Parameter(Mandatory)]
        [string] $Activity,

        # The calling command's -MaxRateLimitWait (a TimeSpan or seconds), when it was given.
        [Parameter()]
        [AllowNull()]
        [object] $MaxRateLimitWait,

        # Write each repository's state as it arrives.
        [Parameter(Mandatory, ParameterSetName = 'Stream')]
        [switch] $Stream,

        # A request with a Job property, sent once the run is done; its answer is returned.
        [Parameter(Mandatory, ParameterSetName = 'Then')]
        [GitHubOidc.Native.INativeRequest] $Then,

        # The target object of the -Then request's error record.
        [Parameter(Mandatory, ParameterSetName = 'Then')]
        [object] $ThenTarget
    )

    $owner = $Options.Owner
    $terminating = -not $Stream
    if ($null -ne $MaxRateLimitWait) {
        $wait = ConvertTo-GitHubOidcTimeSpan -Value $MaxRateLimitWait -Name MaxRateLimitWait -Cmdlet $Cmdlet
        # Out-of-range values go to Rust as they are (whole seconds), so Rust refuses them.
        $Options.MaxRateLimitWaitSec = [uint32] [math]::Min([uint32]::MaxValue, [math]::Ceiling($wait.TotalSeconds))
    }
    Write-Verbose "GitHubOidc: inventory of [$owner] on $($State.Target)."
    $start = Invoke-GitHubOidcNative -Request ([GitHubOidc.Native.FleetStartRequest]@{ Context = $State.Context; Options = $Options }) `
        -Cmdlet $Cmdlet -TargetObject $owner -Terminating
    if ($null -eq $start) { return }
    $job = [long] $start['job']
    $activity = "$Activity of $owner"
    $progressId = 1
    $written = 0
    $failed = 0
    # Progress is redrawn at most four times a second: redrawing per batch costs more than reading.
    $progressWatch = [System.Diagnostics.Stopwatch]::StartNew()
    $progressShown = $false
    $finished = $false
    $last = $null
    try {
        while ($true) {
            # A native wait cannot be interrupted: Ctrl+C takes effect when it returns. It returns as
            # soon as an item is there, so a short wait costs nothing while results flow, and bounds
            # how long a stop waits (when the run is paused, e.g. on a rate limit).
            $next = Invoke-GitHubOidcNative -Request ([GitHubOidc.Native.FleetNextRequest]@{ Job = $job; WaitMs = 50; MaxItems = 100 }) `
                -Cmdlet $Cmdlet -TargetObject $owner -Terminating:$terminating
            if ($null -eq $next) { break }
            $last = $next['progress']
            foreach ($item in @($next['items'])) {
                if ($item['state']) {
                    $written++
                    if ($Stream) { [GitHubOidc.RepositoryState]::FromAnswer($item['state'], $State.Target) }
                } elseif ($item['failure']) {
                    $failed++
                    $failure = $item['failure']
                    $details = $failure['error']
                    $exception = [GitHubOidc.Native.GitHubOidcException]::new([GitHubOidc.Native.GhoidcStatus] [int] $details['code'], $details)
                    $target = "$($failure['owner'])/$($failure['repository'])"
                    $Cmdlet.WriteError((New-GitHubOidcErrorRecord -Exception $exception -TargetObject $target -Secret $State.Context.Token))
                }
            }
            if ($progressShown -and -not $next['done'] -and $progressWatch.ElapsedMilliseconds -lt 250) { continue }
            $progressWatch.Restart()
            $progressShown = $true
            $progress = $next['progress']
            $rate = $progress['rate_limit']
            $done = [long] $progress['completed'] + [long] $progress['failed']
            $total = $progress['total']
            $status = if ($null -ne $total) { "$done of $total repositories" } else { "$done of $($progress['listed'])+ repositories (listing)" }
            if ($progress['failed']) { $status += ", $($progress['failed']) failed" }
            if ($rate -and $null -ne $rate['remaining']) { $status += "; rate limit: $($rate['remaining']) left" }
            if ($rate -and $rate['stopped']) {
                $status += '; stopped: GitHub asks to wait longer than -MaxRateLimitWait'
            } elseif ($rate -and $rate['paused_until']) {
                $until = [DateTimeOffset]::FromUnixTimeMilliseconds([long] $rate['paused_until']).LocalDateTime
                $status = "Rate limited by GitHub; resuming at $($until.ToString('HH:mm:ss')) ($status)"
            } elseif ($rate -and $rate['paced_until']) {
                $until = [DateTimeOffset]::FromUnixTimeMilliseconds([long] $rate['paced_until']).LocalDateTime
                $status += "; keeping under GitHub's points per minute, next request at $($until.ToString('HH:mm:ss'))"
            } elseif ($rate -and $rate['spacing_ms']) {
                $status += ", one request every $($rate['spacing_ms']) ms"
            }
            $percent = if ($total) { [int] [math]::Min(100, 100 * $done / [math]::Max(1, [long] $total)) } else { -1 }
            Write-Progress -Id $progressId -Activity $activity -Status $status -PercentComplete $percent
            if ($next['done']) {
                $finished = $true
                break
            }
        }
        $answers = if ($last) { [long] $last['answers'] } else { 0L }
        $fromCache = if ($last) { [long] $last['from_cache'] } else { 0L }
        Write-Verbose ("GitHubOidc: inventory of [$owner]: $written repositories, $failed failed; " +
            "$fromCache of $answers answers from the cache (304 Not Modified: no primary rate limit spent).")
        $rate = if ($last) { $last['rate_limit'] }
        $summary = [pscustomobject]@{
            PSTypeName         = 'GitHubOidc.RunSummary'
            Owner              = $owner
            Repositories       = $written
            Failed             = $failed
            Answers            = $answers
            FromCache          = $fromCache
            RateLimitRemaining = if ($rate) { $rate['remaining'] }
            RateLimitLimit     = if ($rate) { $rate['limit'] }
        }
        $Cmdlet.WriteInformation($summary, [string[]] @('GitHubOidc.RunSummary'))
        if ($finished -and $null -ne $Then) {
            $Then.Job = $job
            Invoke-GitHubOidcNative -Request $Then -Cmdlet $Cmdlet -TargetObject $ThenTarget -Terminating
        }
    } finally {
        # A .NET call, not a command: it also runs while the pipeline is being stopped (Ctrl+C).
        $null = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.FleetCloseRequest]@{ Job = $job })
        try { Write-Progress -Id $progressId -Activity $activity -Completed } catch { $null = $_ }
    }
}
