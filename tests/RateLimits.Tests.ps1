#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# GitHub's real limits in a fleet run (issue 17), through the built module: a pause GitHub asks
# for shows in Write-Progress with the time the run resumes, and Ctrl+C ends it within a second
# with nothing sent after; a primary limit that resets in two hours ends the run within seconds
# with every repository an object or an error naming the reset; -MaxRateLimitWait is checked.
# (The minute-long waits at GitHub's sizes are in crates/github_oidc_core/tests/limits.rs.)

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:context = $script:fake.Context()
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Fleet runs under GitHub''s rate limits' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    It 'shows a 40-second retry-after in Write-Progress and stops within a second on Ctrl+C, sending nothing after' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'paused-org'; count = 30; seed = 21 }
        Add-FakeFault -Fake $script:fake -Fault @{ status = 429; path_prefix = '/repos/paused-org/'; retry_after = 40; times = 1 }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Context)
                    Import-Module $Module
                    $ProgressPreference = 'Continue'
                    Get-GitHubOidcRepository -Owner paused-org -Context $Context
                }).AddArgument((Get-TestModulePath)).AddArgument($script:context)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $inputData = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $inputData.Complete()
            $async = $ps.BeginInvoke($inputData, $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            $shown = $null
            while (-not $shown -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 100
                $shown = @($ps.Streams.Progress | Where-Object { $_.StatusDescription -like 'Rate limited by GitHub; resuming at *' }) | Select-Object -First 1
            }
            $shown | Should -Not -BeNullOrEmpty -Because 'the pause shows in the progress'
            $at = [DateTime]::ParseExact(($shown.StatusDescription -replace '^Rate limited by GitHub; resuming at (\d\d:\d\d:\d\d).*$', '$1'), 'HH:mm:ss', $null)
            $ahead = ($at - [DateTime]::Now).TotalSeconds
            if ($ahead -lt -43000) { $ahead += 86400 }
            $ahead | Should -BeGreaterThan 30 -Because 'GitHub asked for 40 seconds'
            $ahead | Should -BeLessThan 42
            $async.IsCompleted | Should -BeFalse -Because 'the run waits'
            Start-Sleep -Milliseconds 300
            Stop-TestPipeline -Fake $script:fake -PowerShell $ps -Async $async
        } finally {
            $ps.Dispose()
        }
    }

    It 'ends within 30 seconds when the budget is spent until a reset two hours away, every repository an object or an error naming the reset' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'spent-org'; count = 40; seed = 22 }
        $limit = @{ limit = 12; reset_in = 7200; enforce = $true } | ConvertTo-Json
        $null = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/ratelimit" -Method Put -Body $limit -ContentType 'application/json'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $states = @(Get-GitHubOidcRepository -Owner spent-org -Context $script:context -ErrorVariable failures -ErrorAction SilentlyContinue)
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        ($states.Count + $failures.Count) | Should -Be 40
        $failures.Count | Should -BeGreaterThan 0
        foreach ($f in $failures) {
            $f.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.RateLimited*'
            $f.Exception.Message | Should -Match '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC'
            $f.Exception.Message | Should -BeLike '*MaxRateLimitWait*'
            $f.TargetObject | Should -BeLike 'spent-org/*'
        }
        @(Get-FakeRequests -Fake $script:fake).Count | Should -BeLessOrEqual 20 -Because 'the run stops instead of sending into the limit'
    }

    It 'waits through a pause within -MaxRateLimitWait and reads the refused repository again' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'short-org'; count = 10; seed = 23 }
        Add-FakeFault -Fake $script:fake -Fault @{ status = 403; path_prefix = '/repos/short-org/'; retry_after = 3; times = 1 }
        $states = @(Get-GitHubOidcRepository -Owner short-org -MaxRateLimitWait 10 -Context $script:context -ErrorVariable failures)
        $states.Count | Should -Be 10
        $failures | Should -HaveCount 0
        # A shorter budget stops the run instead.
        Add-FakeFault -Fake $script:fake -Fault @{ status = 403; path_prefix = '/repos/short-org/'; retry_after = 30; times = 1 }
        $states = @(Get-GitHubOidcRepository -Owner short-org -MaxRateLimitWait ([TimeSpan]::FromSeconds(5)) -Context $script:context -ErrorVariable failures -ErrorAction SilentlyContinue)
        ($states.Count + $failures.Count) | Should -Be 10
        $failures.Count | Should -BeGreaterThan 0
        $failures[0].Exception.Message | Should -BeLike '*longer than this run waits*5 s*'
    }

    It 'refuses a -MaxRateLimitWait it cannot use before any request' {
        { Get-GitHubOidcRepository -Owner octo-org -MaxRateLimitWait 'soon' -Context $script:context -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*-MaxRateLimitWait*'
        { Get-GitHubOidcRepository -Owner octo-org -MaxRateLimitWait 100000 -Context $script:context -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*' -ExpectedMessage '*MaxRateLimitWait*86400*'
        Get-FakeRequests -Fake $script:fake | Should -BeNullOrEmpty
    }
}
