#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The fault matrix: every command that talks to GitHub (or to the issuer) x every fault the fake
# server injects. Each cell must end in success after a retry or in a GitHubOidc.<Kind> error
# record (never GitHubOidc.Internal) naming the right target, within
# TimeoutSec x (MaxRetries + 1) per request (+ slack), with the faulted request sent exactly as
# often as the retry policy in crates/github_oidc_core/src/http.rs allows (a write answered 2xx
# is never sent again; a POST or DELETE only after a rate limit), and no request - so no token -
# ever reaching the redirect listener.

BeforeDiscovery {
    # Method: how the faulted request may be retried. BodyLess: GitHub answers 204, so a reset
    # or truncation cuts the connection before the status line (nothing proves it was applied).
    $commands = @(
        @{ Command = 'Get-GitHubOidcSubjectClaim (org)'; Method = 'GET'
           Path = '/orgs/custom-org/actions/oidc/customization/sub'
           Target = 'custom-org'; Requests = 1 }
        @{ Command = 'Get-GitHubOidcSubjectClaim (repo)'; Method = 'GET'
           Path = '/repos/octo-org/octo-repo/actions/oidc/customization/sub'
           Target = 'octo-org/octo-repo'; Requests = 1 }
        @{ Command = 'Set-GitHubOidcSubjectClaim'; Method = 'PUT'
           Path = '/repos/octo-org/octo-repo/actions/oidc/customization/sub'
           Target = 'octo-org/octo-repo'; Requests = 1 }
        @{ Command = 'Get-GitHubOidcClaim'; Method = 'GET'; Path = '/.well-known/openid-configuration'; Target = 'github.com'; Requests = 1 }
        @{ Command = 'Get-GitHubOidcPropertyClaim'; Method = 'GET'
           Path = '/orgs/custom-org/actions/oidc/customization/properties/repo'
           Target = 'custom-org'; Requests = 1 }
        @{ Command = 'Add-GitHubOidcPropertyClaim'; Method = 'POST'
           Path = '/orgs/custom-org/actions/oidc/customization/properties/repo'
           Target = 'team'; Requests = 1 }
        @{ Command = 'Remove-GitHubOidcPropertyClaim'; Method = 'DELETE'
           Path = '/orgs/custom-org/actions/oidc/customization/properties/repo/workspace_id'
           Target = 'workspace_id'; Requests = 1; BodyLess = $true }
        @{ Command = 'Set-GitHubOidcIssuer'; Method = 'PUT'
           Path = '/enterprises/octocat-inc/actions/oidc/customization/issuer'
           Target = 'octocat-inc'; Requests = 1; BodyLess = $true }
        @{ Command = 'Test-GitHubOidcToken (JWKS)'; Method = 'GET'; Path = '/.well-known/jwks'; Target = 'github.com'; Requests = 2 }
    )
    # Class: how the retry policy treats it. Status faults answer once (times = 1).
    $faults = @(
        @{ Fault = '500'; Spec = @{ status = 500 }; Class = 'ServerError' }
        @{ Fault = '502'; Spec = @{ status = 502 }; Class = 'ServerError' }
        @{ Fault = '503'; Spec = @{ status = 503 }; Class = 'ServerError' }
        @{ Fault = '429 + retry-after'; Spec = @{ status = 429; retry_after = 0 }; Class = 'RateLimited' }
        @{ Fault = '429 + x-ratelimit-reset'; Spec = @{ status = 429; ratelimit_reset_in = 0 }; Class = 'RateLimited' }
        @{ Fault = '403 secondary rate limit'; Spec = @{ status = 403; retry_after = 0 }; Class = 'RateLimited' }
        @{ Fault = '403 + x-ratelimit-reset'; Spec = @{ status = 403; ratelimit_reset_in = 0 }; Class = 'RateLimited' }
        @{ Fault = 'reset mid-body'; Spec = @{ kind = 'reset' }; Class = 'Cut' }
        @{ Fault = 'truncated body'; Spec = @{ kind = 'truncate' }; Class = 'Cut' }
        @{ Fault = 'never answers'; Spec = @{ kind = 'hang' }; Class = 'Hang' }
        @{ Fault = 'not JSON'; Spec = @{ kind = 'not_json' }; Class = 'Odd' }
        @{ Fault = 'wrong shape'; Spec = @{ kind = 'wrong_shape' }; Class = 'Odd' }
        @{ Fault = 'HTML 200'; Spec = @{ kind = 'html' }; Class = 'Odd' }
        @{ Fault = 'huge (50 MiB)'; Spec = @{ kind = 'huge' }; Class = 'Odd' }
        @{ Fault = 'huge chunked (20 MiB)'; Spec = @{ kind = 'huge'; size = 20971520; chunked = $true }; Class = 'Odd' }
        @{ Fault = 'redirect to another host'; Spec = @{ kind = 'redirect'; status = 307 }; Class = 'Odd' }
    )
    $script:cells = foreach ($c in $commands) {
        foreach ($f in $faults) {
            $cell = $c.Clone()
            foreach ($key in $f.Keys) { $cell[$key] = $f[$key] }
            if (-not $cell.ContainsKey('BodyLess')) { $cell.BodyLess = $false }
            $cell
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestTokens.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub
    $script:TimeoutSec = 1
    $script:MaxRetries = 1
    $script:SlackSec = 3
    $script:ctx = @{
        HostName = 'github.com'; ApiBaseUri = $script:fake.BaseUrl; IssuerUri = $script:fake.BaseUrl
        Token = 'test-admin-token'
        TimeoutSec = $script:TimeoutSec; MaxRetries = $script:MaxRetries; MaxRetryWaitSec = 2
    }

    function Invoke-FaultCommand {
        param([string] $Command)
        $c = $script:ctx
        switch ($Command) {
            'Get-GitHubOidcSubjectClaim (org)' { Get-GitHubOidcSubjectClaim -Owner custom-org -Context $c -ErrorAction Stop }
            'Get-GitHubOidcSubjectClaim (repo)' { Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $c -ErrorAction Stop }
            'Set-GitHubOidcSubjectClaim' { Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context -Context $c -Confirm:$false -ErrorAction Stop }
            'Get-GitHubOidcClaim' { Get-GitHubOidcClaim -Context $c -ErrorAction Stop }
            'Get-GitHubOidcPropertyClaim' { Get-GitHubOidcPropertyClaim -Owner custom-org -Context $c -ErrorAction Stop }
            'Add-GitHubOidcPropertyClaim' { Add-GitHubOidcPropertyClaim -Owner custom-org -Name team -Context $c -Confirm:$false -ErrorAction Stop }
            'Remove-GitHubOidcPropertyClaim' { Remove-GitHubOidcPropertyClaim -Owner custom-org -Name workspace_id -Context $c -Confirm:$false -ErrorAction Stop }
            'Set-GitHubOidcIssuer' { Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $true -Context $c -Confirm:$false -ErrorAction Stop -WarningAction SilentlyContinue }
            'Test-GitHubOidcToken (JWKS)' {
                $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:fake.BaseUrl)
                $report = Test-GitHubOidcToken -Token $jwt -Audience 'https://github.com/octo-org' -Context $c -ErrorAction Stop
                if (-not $report.Valid) { throw "The token did not verify: $($report | Out-String)" }
                $report
            }
            default { throw "Unknown command '$Command'." }
        }
    }

    function Get-ExpectedOutcome {
        <# What the retry policy (http.rs) promises: the outcome, and how often the faulted request is sent. #>
        param([string] $Method, [string] $Class, [bool] $BodyLess)
        $read = $Method -eq 'GET'
        switch ($Class) {
            'ServerError' {
                # 5xx: resent by GET/PUT; a POST/DELETE only for a 503 with retry-after (not these).
                if ($Method -in 'GET', 'PUT') { return @{ Outcome = 'Success'; Sends = 2 } }
                return @{ Outcome = 'ServerError'; Sends = 1 }
            }
            'RateLimited' { return @{ Outcome = 'Success'; Sends = 2 } }
            'Hang' {
                if ($Method -in 'GET', 'PUT') { return @{ Outcome = 'Success'; Sends = 2 } }
                return @{ Outcome = 'Network'; Sends = 1 }
            }
            'Cut' {
                # A read is asked again; a write whose 2xx arrived is not; a PUT cut before its
                # status line may be resent, a DELETE may not.
                if ($read) { return @{ Outcome = 'Success'; Sends = 2 } }
                if ($BodyLess -and $Method -eq 'PUT') { return @{ Outcome = 'Success'; Sends = 2 } }
                return @{ Outcome = 'Network'; Sends = 1 }
            }
            'Odd' { return @{ Outcome = 'UnexpectedResponse'; Sends = 1 } }
        }
        throw "Unknown class $Class"
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Fault matrix' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        $null = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.ClearCacheRequest]::new())
    }

    It '<Command> under <Fault>' -ForEach $script:cells {
        $expected = Get-ExpectedOutcome -Method $Method -Class $Class -BodyLess $BodyLess
        $spec = $Spec.Clone()
        $spec.path_prefix = $Path
        $spec.method = $Method
        $spec.times = 1
        Add-FakeFault -Fake $script:fake -Fault $spec

        $record = $null
        $output = $null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        try {
            $output = Invoke-FaultCommand -Command $Command
        } catch {
            $record = $_
        }
        $watch.Stop()

        $budget = $script:TimeoutSec * ($script:MaxRetries + 1) * $Requests + $script:SlackSec
        $watch.Elapsed.TotalSeconds | Should -BeLessOrEqual $budget -Because "$Command under $Fault must end within its time budget"

        if ($expected.Outcome -eq 'Success') {
            $record | Should -BeNullOrEmpty -Because "a retry should succeed: $record"
            if ($Method -eq 'GET') {
                # Reads return what they read; writes print nothing without -PassThru.
                $output | Should -Not -BeNullOrEmpty -Because 'the command returns its result after the retry'
            }
        } else {
            $record | Should -Not -BeNullOrEmpty -Because "$Command under $Fault must end in an error record"
            $record.FullyQualifiedErrorId | Should -Not -BeLike 'GitHubOidc.Internal*'
            $record.FullyQualifiedErrorId | Should -BeLike "GitHubOidc.$($expected.Outcome),*" -Because "$record"
            $record.TargetObject | Should -Be $Target
            "$record" | Should -Not -Match 'test-admin-token'
            if ($expected.Outcome -eq 'UnexpectedResponse') {
                "$record" | Should -Match ([regex]::Escape($Path)) -Because 'the error names the URL'
            }
        }

        $log = @(Get-FakeRequests -Fake $script:fake)
        @($log | Where-Object listener -EQ 'redirect').Count | Should -Be 0 -Because 'no request (and so no token) reaches the redirect listener'
        @($log | Where-Object { $_.method -eq $Method -and $_.path -eq $Path }).Count | Should -Be $expected.Sends -Because 'the faulted request is sent exactly as often as the retry policy allows'
    }
}
