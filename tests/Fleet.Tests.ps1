#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Get-GitHubOidcRepository (fleet inventory, issue 8) against the fake GitHub server: pagination,
# sources and immutability, a bounded pool, rate limits mid-run, failures per repository,
# wildcards, archived repositories, Ctrl+C, and no writes.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:context = $script:fake.Context()

    function Set-FakeLatency([int] $Ms) {
        $null = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/latency" -Method Put -Body (@{ ms = $Ms } | ConvertTo-Json) -ContentType 'application/json'
    }
    function Get-FakeConcurrency {
        Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/concurrency" -Method Get
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Get-GitHubOidcRepository' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    AfterEach {
        # An inventory only reads.
        @(Get-FakeRequests -Fake $script:fake | Where-Object method -NE 'GET') | Should -HaveCount 0
    }

    It 'follows the pages with no repository missing or repeated, and skips archived ones' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 250; seed = 11; archived_every = 10 }
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -Context $script:context -ErrorVariable errors)
        $errors | Should -BeNullOrEmpty
        $expected = for ($i = 0; $i -lt 250; $i++) { if ($i % 10 -ne 9) { $org.names[$i] } }
        $states | Should -HaveCount 225
        @($states.Repository | Sort-Object -Unique) | Should -HaveCount 225
        @($states.Repository | Sort-Object) | Should -Be @($expected | Sort-Object)
        $states[0].PSObject.TypeNames | Should -Contain 'GitHubOidc.RepositoryState'
        $states | Where-Object Archived | Should -BeNullOrEmpty
        $pages = @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '/orgs/fleet-org/repos')
        $pages | Should -HaveCount 3
        @(Get-FakeRequests -Fake $script:fake -PathLike '/orgs/fleet-org/actions/oidc/customization/sub') | Should -HaveCount 1
    }

    It 'lists archived repositories with -IncludeArchived' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 30; seed = 12; archived_every = 3 }
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -IncludeArchived -Context $script:context)
        $states | Should -HaveCount 30
        @($states | Where-Object Archived) | Should -HaveCount 10
    }

    It 'returns an archived repository named exactly, without -IncludeArchived' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 6; seed = 13; archived_every = 3 }
        $archived = $org.names[2]
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -Repository $archived, $org.names[0] -Context $script:context -ErrorVariable errors)
        $errors | Should -BeNullOrEmpty
        @($states.Repository | Sort-Object) | Should -Be @(@($archived, $org.names[0]) | Sort-Object)
        ($states | Where-Object Repository -EQ $archived).Archived | Should -BeTrue
        @(Get-GitHubOidcRepository -Owner fleet-org -Repository '*' -Context $script:context) | Should -HaveCount 4 -Because 'a wildcard still skips archived repositories'
    }

    It 'reports the effective keys and Source of default, opted-in and own-template repositories' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 30; seed = 13; opted_in_every = 3; own_template_every = 5; template = @('repository_owner_id', 'context') }
        $states = Get-GitHubOidcRepository -Owner fleet-org -Context $script:context
        for ($i = 0; $i -lt 30; $i++) {
            $state = $states | Where-Object Repository -EQ $org.names[$i]
            if ($i % 5 -eq 4) {
                $state.Source | Should -Be 'Repository'
                $state.IncludeClaimKeys | Should -Be @('repo', 'context', 'job_workflow_ref')
                $state.OwnClaimKeys | Should -Be @('repo', 'context', 'job_workflow_ref')
            } elseif ($i % 3 -eq 2) {
                $state.Source | Should -Be 'Organization'
                $state.IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
                $state.UseDefault | Should -BeFalse
            } else {
                $state.Source | Should -Be 'Default'
                $state.IncludeClaimKeys | Should -Be @('repo', 'context')
                $state.UseDefault | Should -BeTrue
            }
        }
    }

    It 'takes Immutable from the prefix when the flag says otherwise' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; id = 4242; count = 8; seed = 14; immutable_every = 2 }
        $states = Get-GitHubOidcRepository -Owner fleet-org -Context $script:context
        foreach ($state in $states) {
            $i = [array]::IndexOf($org.names, $state.Repository)
            $state.UseImmutableSubject | Should -BeFalse
            $state.Immutable | Should -Be ($i % 2 -eq 1)
            $state.OwnerId | Should -Be 4242
            $state.ImmutablePrefix | Should -Be "repo:fleet-org@4242/$($state.Repository)@$($state.RepositoryId)"
            $state.LegacyPrefix | Should -Be "repo:fleet-org/$($state.Repository)"
            $expectedPrefix = if ($i % 2 -eq 1) { $state.ImmutablePrefix } else { $state.LegacyPrefix }
            $state.SubClaimPrefix | Should -Be $expectedPrefix
        }
    }

    It 'keeps at most -ThrottleLimit requests in flight, and reaches it' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 60; seed = 15 }
        Set-FakeLatency 30
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -ThrottleLimit 6 -Context $script:context)
        $states | Should -HaveCount 60
        (Get-FakeConcurrency).max_in_flight | Should -Be 6
        $reads = @(Get-FakeRequests -Fake $script:fake -PathLike '/repos/fleet-org/*')
        ($reads.in_flight | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 6
    }

    It 'pauses on a <Name> in the middle of the run and loses nothing' -ForEach @(
        @{ Name = '429'; Fault = @{ status = 429; retry_after = 1; path_prefix = '/repos/fleet-org/' } }
        @{ Name = 'secondary rate limit (403)'; Fault = @{ status = 403; retry_after = 1; path_prefix = '/repos/fleet-org/' } }
    ) {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 60; seed = 16 }
        Set-FakeLatency 10
        $fault = $Fault
        $seen = 0
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -ThrottleLimit 4 -Context $script:context -ErrorVariable errors |
                ForEach-Object {
                    $seen++
                    if ($seen -eq 20) { Add-FakeFault -Fake $script:fake -Fault $fault }
                    $_
                })
        $errors | Should -BeNullOrEmpty
        @($states.Repository | Sort-Object) | Should -Be @($org.names | Sort-Object)
        # One read was answered with the rate limit and sent again after the pause.
        @(Get-FakeRequests -Fake $script:fake -PathLike '/repos/fleet-org/*') | Should -HaveCount 61
        $times = @(Get-FakeRequests -Fake $script:fake | ForEach-Object received_ms | Sort-Object)
        $gap = (1..($times.Count - 1) | ForEach-Object { $times[$_] - $times[$_ - 1] } | Measure-Object -Maximum).Maximum
        $gap | Should -BeGreaterThan 850 -Because 'the whole pool waits for retry-after'
    }

    It 'writes one error record for a repository that fails and returns all the others' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 25; seed = 17 }
        $bad = $org.names[7]
        Add-FakeFault -Fake $script:fake -Fault @{ status = 500; times = 10; path_prefix = "/repos/fleet-org/$bad/" }
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -Context $script:context -ErrorVariable errors -ErrorAction SilentlyContinue)
        $states | Should -HaveCount 24
        $states.Repository | Should -Not -Contain $bad
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.ServerError*'
        $errors[0].TargetObject | Should -Be "fleet-org/$bad"
    }

    It 'selects repositories by wildcard, and names a missing repository' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 40; seed = 18 }
        $expected = @($org.names | Where-Object { $_ -like 'api-*' -or $_ -eq $org.names[0] } | Sort-Object -Unique)
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -Repository 'API-*', $org.names[0].ToUpper(), 'no-such-repo' -Context $script:context -ErrorVariable errors -ErrorAction SilentlyContinue)
        @($states.Repository | Sort-Object) | Should -Be $expected
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound*'
        $errors[0].TargetObject | Should -Be 'fleet-org/no-such-repo'
    }

    It 'pipes into Test-GitHubOidcTrustPolicy: the repositories a name-based policy would lock out' {
        $org = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 6; seed = 14; immutable_every = 3 }
        $issuer = 'token.actions.githubusercontent.com'
        $policy = @{
            Version   = '2012-10-17'
            Statement = @(@{
                    Effect    = 'Allow'
                    Principal = @{ Federated = "arn:aws:iam::123456789012:oidc-provider/$issuer" }
                    Action    = 'sts:AssumeRoleWithWebIdentity'
                    Condition = @{
                        StringEquals = @{ "$($issuer):aud" = 'sts.amazonaws.com' }
                        StringLike   = @{ "$($issuer):sub" = 'repo:fleet-org/*' }
                    }
                })
        } | ConvertTo-Json -Depth 10
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -Context $script:context)
        $results = @($states | Test-GitHubOidcTrustPolicy -Provider Aws -Policy $policy -Branch main)
        $results | Should -HaveCount 12 -Because 'each repository is tested with its current and its immutable subject'
        foreach ($state in $states) {
            $mine = @($results | Where-Object Repository -EQ "fleet-org/$($state.Repository)")
            $mine.Form | Should -Be @('Current', 'Immutable')
            ($mine | Where-Object Form -EQ 'Immutable').Subject | Should -Be "$($state.ImmutablePrefix):ref:refs/heads/main"
            ($mine | Where-Object Form -EQ 'Immutable').Allowed | Should -BeFalse
            ($mine | Where-Object Form -EQ 'Current').Allowed | Should -Be (-not $state.Immutable)
        }
        @($states | Where-Object Immutable) | Should -HaveCount 2
        $org.names | Should -HaveCount 6
    }

    It 'refuses -ThrottleLimit <Limit> before any request' -ForEach @(@{ Limit = 33 }, @{ Limit = 0 }) {
        { Get-GitHubOidcRepository -Owner octo-org -ThrottleLimit $Limit -Context $script:context -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*' -ExpectedMessage '*1 to 32*'
        Get-FakeRequests -Fake $script:fake | Should -BeNullOrEmpty
    }

    It 'reports a missing organization as one NotFound error' {
        $states = Get-GitHubOidcRepository -Owner no-such-org -Context $script:context -ErrorVariable errors -ErrorAction SilentlyContinue
        $states | Should -BeNullOrEmpty
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound*'
    }

    It 'stops within a second on Stop() (Ctrl+C) and sends no request after it' {
        $null = New-FakeOrg -Fake $script:fake @{ org = 'fleet-org'; count = 500; seed = 19 }
        Set-FakeLatency 50
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Context)
                    Import-Module $Module
                    Get-GitHubOidcRepository -Owner fleet-org -ThrottleLimit 4 -Context $Context
                }).AddArgument((Get-TestModulePath)).AddArgument($script:context)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $inputData = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $inputData.Complete()
            $async = $ps.BeginInvoke($inputData, $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($output.Count -lt 10 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $output.Count | Should -BeGreaterOrEqual 10
            Stop-TestPipeline -Fake $script:fake -PowerShell $ps -Async $async
            $output.Count | Should -BeLessThan 500
        } finally {
            $ps.Dispose()
        }
    }
}
