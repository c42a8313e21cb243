#Requires -Version 7.4
<#
.SYNOPSIS
    Measures the fleet inventory (Get-GitHubOidcRepository) beside a sequential Invoke-RestMethod
    loop doing the same reads in the same run, and the pwsh process's peak memory for a large
    inventory.

.DESCRIPTION
    Needs a built module (./build.ps1) and starts the fake GitHub server from target/release.
    The fake generates an organization of -Repositories repositories and answers every request
    after -LatencyMs of injected latency.

    | Figure | Baseline | Target |
    | --- | --- | --- |
    | inventory time, per -ThrottleLimit | a sequential Invoke-RestMethod loop: the org template, every listing page (Link rel="next"), one GET per repository | speed-up >= 10x |
    | inventory time | the latency bound: requests x latency / concurrency | <= 1.3x |
    | peak memory (VmHWM) of a child pwsh that keeps an inventory of -LargeRepositories repositories | a child pwsh that only imports the module | < 200 MB |
    | primary rate limit spent by a second inventory of -RepeatRepositories unchanged repositories (GET /rate_limit before and after, not charged), in the same process and in a new pwsh with CachePath | the first run's figure | <= listing pages + 2 |

.PARAMETER Repositories
    Repositories of the timed inventory below the budget (default 300).

.PARAMETER LatencyMs
    Injected latency per request (default 20).

.PARAMETER ThrottleLimit
    The concurrency levels to time (default 8, 16, 32).

.PARAMETER LargeRepositories
    Repositories of the memory figure (default 10000).

.PARAMETER RepeatRepositories
    Repositories of the repeat-run figure (default 1000).

.PARAMETER RepeatOnly
    Only the repeat-run figure.

.EXAMPLE
    ./build.ps1; ./bench/Invoke-FleetBenchmark.ps1

.EXAMPLE
    ./bench/Invoke-FleetBenchmark.ps1 -RepeatOnly -RepeatRepositories 3000
#>
[CmdletBinding()]
param(
    [int] $Repositories = 300,
    [int] $LatencyMs = 20,
    [int[]] $ThrottleLimit = @(8, 16, 32),
    [int] $LargeRepositories = 10000,
    [int] $RepeatRepositories = 1000,
    [switch] $RepeatOnly
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$module = Join-Path $root 'output/GitHubOidc'
$fakeExe = Join-Path $root 'target/release/fake_github'
if (-not (Test-Path $module)) { throw 'Build the module first: ./build.ps1' }

$psi = [System.Diagnostics.ProcessStartInfo]::new($fakeExe, '--port 0 --exit-on-stdin-eof')
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardInput = $true
$fake = [System.Diagnostics.Process]::Start($psi)
try {
    $base = ($fake.StandardOutput.ReadLine() -split ' ')[-1]
    function Invoke-Control([string] $Method, [string] $Path, [hashtable] $Body) {
        Invoke-RestMethod -Method $Method -Uri "$base$Path" -Body (ConvertTo-Json $Body -Depth 4) -ContentType 'application/json'
    }
    # A budget that does not run out during the bench (GitHub's would pace a 10,000-repository run).
    $null = Invoke-Control PUT /_fake/ratelimit @{ limit = 1000000 }
    $null = Invoke-Control POST /_fake/orgs @{ org = 'bench-org'; count = $Repositories; seed = 1; opted_in_every = 3; own_template_every = 7; immutable_every = 5; template = @('repo', 'context', 'job_workflow_ref') }
    $null = Invoke-Control PUT /_fake/latency @{ ms = $LatencyMs }
    Import-Module $module -Force
    $ctx = @{ HostName = 'github.com'; ApiBaseUri = $base; IssuerUri = $base; Token = 'test-admin-token' }

    if (-not $RepeatOnly) {
        # Baseline: the same reads, one after the other, as a script would do them.
        $headers = @{ Authorization = 'Bearer test-admin-token'; Accept = 'application/vnd.github+json'; 'X-GitHub-Api-Version' = '2022-11-28' }
        $irm = @{ Headers = $headers; AllowUnencryptedAuthentication = $true }
        $null = Invoke-RestMethod "$base/repos/bench-org/none/actions/oidc/customization/sub" @irm -SkipHttpErrorCheck
        $baselineCount = 0
        $baseline = Measure-Command {
            $null = Invoke-RestMethod "$base/orgs/bench-org/actions/oidc/customization/sub" @irm -SkipHttpErrorCheck
            # Every page, following Link rel="next" (-FollowRelLink drops the Authorization header).
            $listed = [System.Collections.Generic.List[object]]::new()
            $next = "$base/orgs/bench-org/repos?per_page=100"
            while ($next) {
                $page = Invoke-RestMethod $next @irm -ResponseHeadersVariable responseHeaders
                $listed.AddRange(@($page))
                $next = if ("$($responseHeaders['Link'])" -match '<([^>]+)>;\s*rel="next"') { $Matches[1] } else { $null }
            }
            foreach ($repo in $listed) {
                if ($repo.archived) { continue }
                $null = Invoke-RestMethod "$base/repos/bench-org/$($repo.name)/actions/oidc/customization/sub" @irm
                $baselineCount++
            }
        }
        $requests = 1 + [math]::Ceiling($Repositories / 100) + $Repositories
        # Warm-up (script compilation, first connections), as the loop's first request above.
        $null = Invoke-Control -Method POST -Path /_fake/orgs -Body @{ org = 'warm-org'; count = 20; seed = 3 }
        $null = Get-GitHubOidcRepository -Owner warm-org -Context $ctx
        $rows = foreach ($limit in $ThrottleLimit) {
            $null = Invoke-RestMethod -Method Delete -Uri "$base/_fake/concurrency"
            # A token of its own per run: each run stays below its token's 900 points a minute.
            $null = Invoke-Control POST /_fake/tokens @{ token = "bench-token-$limit"; permission = 'write' }
            $runCtx = $ctx.Clone()
            $runCtx.Token = "bench-token-$limit"
            $count = 0
            $time = Measure-Command { Get-GitHubOidcRepository -Owner bench-org -ThrottleLimit $limit -Context $runCtx | ForEach-Object { $count++ } }
            if ($count -ne $baselineCount) { throw "The inventory returned $count repositories, the loop $baselineCount." }
            $peak = (Invoke-RestMethod "$base/_fake/concurrency").max_in_flight
            $bound = $requests * $LatencyMs / 1000 / $limit
            [pscustomobject]@{
                ThrottleLimit    = $limit
                'Inventory (s)'  = [math]::Round($time.TotalSeconds, 2)
                'Loop (s)'       = [math]::Round($baseline.TotalSeconds, 2)
                'Speed-up'       = [math]::Round($baseline.TotalSeconds / $time.TotalSeconds, 1)
                'Bound (s)'      = [math]::Round($bound, 2)
                'x Bound'        = [math]::Round($time.TotalSeconds / $bound, 2)
                'Peak in flight' = $peak
            }
        }
        "Below GitHub's budget: inventory of $Repositories repositories, $requests requests, $LatencyMs ms latency each (targets: speed-up >= 10x, x Bound <= 1.3):"
        $rows | Format-Table -AutoSize | Out-String | Write-Output

        # Above the budget: 1,100 repositories against a server that enforces 900 points a minute.
        # The bound is the minute the budget imposes (the first 900 requests at once, the rest when
        # their points expire); no request may be refused.
        $over = 1100
        $null = Invoke-Control POST /_fake/orgs @{ org = 'over-org'; count = $over; seed = 4 }
        $null = Invoke-Control POST /_fake/tokens @{ token = 'bench-token-over'; permission = 'write' }
        $null = Invoke-Control PUT /_fake/secondary @{ points_per_minute = 900 }
        $overCtx = $ctx.Clone()
        $overCtx.Token = 'bench-token-over'
        $overCount = 0
        $overTime = Measure-Command { Get-GitHubOidcRepository -Owner over-org -ThrottleLimit 8 -Context $overCtx | ForEach-Object { $overCount++ } }
        $limitState = Invoke-RestMethod "$base/_fake/secondary"
        $null = Invoke-Control DELETE /_fake/secondary @{}
        "Above GitHub's budget: $over repositories, $(1 + [math]::Ceiling($over / 100) + $over) requests, 900 points a minute enforced (targets: no refusal, x Bound <= 1.3):"
        [pscustomobject]@{
            Repositories    = $overCount
            'Inventory (s)' = [math]::Round($overTime.TotalSeconds, 1)
            'Bound (s)'     = 60
            'x Bound'       = [math]::Round($overTime.TotalSeconds / 60, 2)
            Refused         = $limitState.refused
            'Most points in a minute' = $limitState.max_points_in_window
        } | Format-Table -AutoSize | Out-String | Write-Output

    }

    # Repeat runs (issue 20): the primary budget a second inventory of unchanged repositories
    # spends, beside the first run's; GitHub does not charge a 304 Not Modified.
    $null = Invoke-Control POST /_fake/orgs @{ org = 'repeat-org'; count = $RepeatRepositories; seed = 5; opted_in_every = 3; own_template_every = 7 }
    $null = Invoke-Control POST /_fake/tokens @{ token = 'bench-token-repeat'; permission = 'write' }
    $cacheFolder = Join-Path ([System.IO.Path]::GetTempPath()) "githuboidc-bench-cache-$PID"
    Remove-Item -LiteralPath $cacheFolder -Recurse -Force -ErrorAction SilentlyContinue
    # Pacing off: this figure is the primary budget, and the fake enforces no secondary limit here.
    $repeatCtx = @{ HostName = 'github.com'; ApiBaseUri = $base; IssuerUri = $base; Token = 'bench-token-repeat'; PointsPerMinute = 0; CachePath = $cacheFolder }
    $rateHeaders = @{ Authorization = 'Bearer bench-token-repeat' }
    function Get-Remaining { [long] (Invoke-RestMethod "$base/rate_limit" -Headers $rateHeaders -AllowUnencryptedAuthentication).resources.core.remaining }
    $pages = [math]::Ceiling($RepeatRepositories / 100)
    $repeatRows = foreach ($run in 'first run', 'second run, same process', 'second run, new pwsh + CachePath') {
        $before = Get-Remaining
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        if ($run -like '*new pwsh*') {
            $child = "Import-Module '$module'; `$c = @{ HostName = 'github.com'; ApiBaseUri = '$base'; IssuerUri = '$base'; Token = 'bench-token-repeat'; PointsPerMinute = 0; CachePath = '$cacheFolder' }; " +
                "`$n = @(Get-GitHubOidcRepository -Owner repeat-org -ThrottleLimit 16 -Context `$c -InformationVariable i).Count; `$s = `$i.MessageData; `"`$n `$(`$s.FromCache) `$(`$s.Answers)`""
            $fields = (@(pwsh -NoProfile -NonInteractive -Command $child)[-1]) -split ' '
            $count, $fromCache, $answers = [long] $fields[0], [long] $fields[1], [long] $fields[2]
        } else {
            $count = @(Get-GitHubOidcRepository -Owner repeat-org -ThrottleLimit 16 -Context $repeatCtx -InformationVariable info).Count
            $summary = $info.MessageData
            $fromCache, $answers = $summary.FromCache, $summary.Answers
        }
        $watch.Stop()
        $spent = $before - (Get-Remaining)
        [pscustomobject]@{
            Run                   = $run
            Repositories          = $count
            Answers               = $answers
            'From cache (304)'    = $fromCache
            'Primary spent'       = $spent
            Target                = if ($run -eq 'first run') { '-' } else { "<= $($pages + 2)" }
            'Time (s)'            = [math]::Round($watch.Elapsed.TotalSeconds, 2)
        }
    }
    Remove-Item -LiteralPath $cacheFolder -Recurse -Force -ErrorAction SilentlyContinue
    "Repeat runs: $RepeatRepositories unchanged repositories, $pages listing pages (target: a second run spends <= listing pages + 2 of the primary rate limit):"
    $repeatRows | Format-Table -AutoSize | Out-String -Width 200 | Write-Output

    if (-not $RepeatOnly) {
        # Peak memory of a pwsh that keeps a whole large inventory.
        $null = Invoke-Control PUT /_fake/latency @{ ms = 0 }
        $null = Invoke-Control POST /_fake/orgs @{ org = 'large-org'; count = $LargeRepositories; seed = 2; opted_in_every = 3; own_template_every = 7; immutable_every = 5 }
        $hwm = 'function hwm { [double]((Get-Content /proc/self/status | Where-Object { $_ -like "VmHWM*" }) -replace "\D", "") / 1024 }'
        $baselineMb = @(pwsh -NoProfile -NonInteractive -Command "$hwm; Import-Module '$module'; hwm")[-1]
        # Pacing off: this figure is memory, and the fake enforces no secondary limit here.
        $script = "$hwm; Import-Module '$module'; `$c = @{ HostName = 'github.com'; ApiBaseUri = '$base'; IssuerUri = '$base'; Token = 'test-admin-token'; PointsPerMinute = 0 }; " +
            "`$all = @(Get-GitHubOidcRepository -Owner large-org -ThrottleLimit 32 -Context `$c); if (`$all.Count -ne $LargeRepositories) { throw `$all.Count }; hwm"
        $largeOutput = $null
        $largeTime = Measure-Command { $largeOutput = @(pwsh -NoProfile -NonInteractive -Command $script) }
        $largeMb = $largeOutput[-1]
        "Peak memory (VmHWM) of the pwsh process (target < 200 MB):"
        [pscustomobject]@{
            Repositories          = $LargeRepositories
            'Inventory kept (MB)' = [math]::Round([double] $largeMb, 1)
            'Import only (MB)'    = [math]::Round([double] $baselineMb, 1)
            'Run (s)'             = [math]::Round($largeTime.TotalSeconds, 1)
        } | Format-Table -AutoSize | Out-String | Write-Output
    }
} finally {
    $fake.StandardInput.Close()
    if (-not $fake.WaitForExit(3000)) { $fake.Kill() }
}
