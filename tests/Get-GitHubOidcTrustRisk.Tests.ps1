#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Get-GitHubOidcTrustRisk: for each provider a configuration that admits too much (the risk is
# reported, and its Example is admitted by Test-GitHubOidcTrustPolicy) and one pinned to an
# immutable subject (no High or Medium risk); -Path, pipeline input by property name
# (Get-GitHubOidcRepository output), the format view, errors; with -Context the IDs for the
# suggestions are read from the fake GitHub server (the command is offline without -Context).

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:issuerHost = 'token.actions.githubusercontent.com'
    $script:std = "https://$script:issuerHost"
    $script:pinned = 'repo:octo-org@11/api@22:environment:production'

    function script:New-AwsRole([hashtable] $Condition) {
        @{
            Version   = '2012-10-17'
            Statement = @(@{
                    Sid       = 'GitHub'
                    Effect    = 'Allow'
                    Principal = @{ Federated = "arn:aws:iam::123456789012:oidc-provider/$script:issuerHost" }
                    Action    = 'sts:AssumeRoleWithWebIdentity'
                    Condition = $Condition
                })
        } | ConvertTo-Json -Depth 10
    }
    $script:awsOpen = New-AwsRole @{ StringEquals = @{ "$($script:issuerHost):aud" = 'sts.amazonaws.com' } }
    $script:awsPinned = New-AwsRole @{ StringEquals = @{ "$($script:issuerHost):aud" = 'sts.amazonaws.com'; "$($script:issuerHost):sub" = $script:pinned } }
    $script:awsOwner = New-AwsRole @{ StringEquals = @{ "$($script:issuerHost):aud" = 'sts.amazonaws.com' }; StringLike = @{ "$($script:issuerHost):sub" = 'repo:octo-org/*' } }

    function script:New-GcpProvider([string] $Condition) {
        $p = @{
            name             = 'projects/123456/locations/global/workloadIdentityPools/github/providers/gh'
            attributeMapping = @{ 'google.subject' = 'assertion.sub' }
            oidc             = @{ issuerUri = $script:std }
        }
        if ($Condition) { $p.attributeCondition = $Condition }
        $p | ConvertTo-Json -Depth 10
    }

    # The Example must be admitted by the same evaluator Test-GitHubOidcTrustPolicy uses.
    function script:Assert-Admitted([string] $Provider, $Policy, $Risk) {
        $e = $Risk.Example
        $e | Should -Not -BeNullOrEmpty
        $params = @{ Provider = $Provider; Policy = $Policy; Subject = $e.Subject; Claim = $e.Claims }
        if ($e.Audience) { $params.Audience = $e.Audience }
        $r = Test-GitHubOidcTrustPolicy @params -WarningAction SilentlyContinue
        $r.Allowed | Should -BeTrue -Because "the example of $($Risk.Kind) is admitted: $($r.Reasons.Text -join '; ')"
    }
}

Describe 'Get-GitHubOidcTrustRisk' {
    It 'Aws without a sub condition: AnyRepository, with an Example from another owner that Test- allows' {
        $risks = @(Get-GitHubOidcTrustRisk -Provider Aws -Policy $script:awsOpen -Owner octo-org -Repository api)
        $any = $risks | Where-Object Kind -eq AnyRepository
        $any | Should -Not -BeNullOrEmpty
        $any.PSObject.TypeNames[0] | Should -Be 'GitHubOidc.TrustRisk'
        $any.Severity | Should -Be 'High'
        $any.Source | Should -Match 'Statement\[0\]'
        $any.Example.Claims.repository_owner | Should -Not -Be 'octo-org'
        $any.Example.Subject | Should -Not -Match '^repo:octo-org[/@]'
        $any.Suggestion | Should -Match ([regex]::Escape("$($script:issuerHost):sub"))
        $any.Explanation | Should -Match 'another owner'
        Assert-Admitted Aws $script:awsOpen $any
    }

    It 'Aws pinned to one immutable subject and the audience: no risk at all' {
        @(Get-GitHubOidcTrustRisk -Provider Aws -Policy $script:awsPinned -Owner octo-org -Repository api).Count | Should -Be 0
    }

    It 'Aws repo:octo-org/*: every repository of the owner, names, any ref, pull requests' {
        $risks = @(Get-GitHubOidcTrustRisk -Provider Aws -Policy $script:awsOwner -Owner octo-org -Repository api)
        $kinds = $risks.Kind
        foreach ($k in 'AnyRepositoryOfOwner', 'NameBasedSubject', 'AnyRef', 'PullRequest') {
            $kinds | Should -Contain $k
        }
        $kinds | Should -Not -Contain 'AnyRepository'
        foreach ($risk in $risks) {
            Assert-Admitted Aws $script:awsOwner $risk
        }
        ($risks | Where-Object Kind -eq AnyRepositoryOfOwner).Example.Claims.repository | Should -Not -Be 'octo-org/api'
    }

    It 'Gcp without an attributeCondition: AnyRepository; pinned: nothing High or Medium' {
        $open = New-GcpProvider
        $any = Get-GitHubOidcTrustRisk -Provider Gcp -Policy $open -Owner octo-org -Repository api -WarningAction SilentlyContinue | Where-Object Kind -eq AnyRepository
        $any.Suggestion | Should -Match 'attributeCondition'
        Assert-Admitted Gcp $open $any
        $pinned = New-GcpProvider "assertion.sub == '$($script:pinned)'"
        @(Get-GitHubOidcTrustRisk -Provider Gcp -Policy $pinned -Owner octo-org -Repository api |
                Where-Object Severity -ne Low).Count | Should -Be 0
    }

    It 'Azure, Vault, PyPI pinned: nothing High or Medium; open: AnyRepository or AnyRef' {
        $azure = @(@{ name = 'prod'; issuer = $script:std; subject = $script:pinned; audiences = @('api://AzureADTokenExchange') }) |
            ConvertTo-Json -Depth 5 -AsArray
        @(Get-GitHubOidcTrustRisk -Provider Azure -Policy $azure -Owner octo-org -Repository api | Where-Object Severity -ne Low).Count |
            Should -Be 0
        $vaultOpen = @{ data = @{ role_type = 'jwt'; user_claim = 'sub'; bound_audiences = @('https://github.com/octo-org') } } | ConvertTo-Json -Depth 5
        $risk = Get-GitHubOidcTrustRisk -Provider Vault -Policy $vaultOpen -Owner octo-org -Repository api | Where-Object Kind -eq AnyRepository
        Assert-Admitted Vault $vaultOpen $risk
        $pypi = @{ repository_owner = 'octo-org'; repository_name = 'api'; repository_owner_id = '11'; workflow_filename = 'release.yml' }
        $anyRef = Get-GitHubOidcTrustRisk -Provider PyPI -Policy $pypi -Owner octo-org -Repository api | Where-Object Kind -eq AnyRef
        $anyRef.Severity | Should -Be 'Medium'
        Assert-Admitted PyPI $pypi $anyRef
        $pypi.environment = 'pypi'
        @(Get-GitHubOidcTrustRisk -Provider PyPI -Policy $pypi -Owner octo-org -Repository api).Count | Should -Be 0
    }

    It 'reads -Path' {
        $file = Join-Path $TestDrive 'role.json'
        Set-Content -LiteralPath $file -Value $script:awsOpen
        (Get-GitHubOidcTrustRisk -Provider Aws -Path $file -Owner octo-org -Repository api).Kind | Should -Contain 'AnyRepository'
        { Get-GitHubOidcTrustRisk -Provider Aws -Path (Join-Path $TestDrive 'missing.json') -ErrorAction Stop } | Should -Throw '*not found*'
    }

    It 'takes the scope from the pipeline by property name, one audit per repository, IDs in the suggestion' {
        $repos = @(
            [pscustomobject]@{ Owner = 'octo-org'; Repository = 'api'; OwnerId = 11; RepositoryId = 22 }
            [pscustomobject]@{ Owner = 'octo-org'; Repository = 'web'; OwnerId = 11; RepositoryId = 33 }
        )
        $risks = @($repos | Get-GitHubOidcTrustRisk -Provider Aws -Policy $script:awsOwner)
        ($risks | Group-Object Repository).Name | Sort-Object | Should -Be @('api', 'web')
        $named = $risks | Where-Object { $_.Kind -eq 'NameBasedSubject' -and $_.Repository -eq 'web' }
        $named.Suggestion | Should -Match ([regex]::Escape('repo:octo-org@11/web@33'))
        $named.Example.Claims.repository | Should -Be 'octo-org/web'
        $named.Example.Claims.repository_id | Should -Not -Be '33'
    }

    It 'without a scope, takes the owner and repository from the configuration' {
        $risks = @(Get-GitHubOidcTrustRisk -Provider Aws -Policy (New-AwsRole @{ StringLike = @{ "$($script:issuerHost):sub" = 'repo:octo-org/api:*' } }))
        $risks[0].Owner | Should -Be 'octo-org'
        $risks[0].Repository | Should -Be 'api'
        $risks.Kind | Should -Contain 'AnyRef'
    }

    It 'an unsupported condition is reported as CannotEvaluate, never skipped' {
        $risk = Get-GitHubOidcTrustRisk -Provider Gcp -Policy (New-GcpProvider "assertion.sub.frobnicate('x')") -Owner octo-org -Repository api |
            Where-Object Kind -eq CannotEvaluate
        $risk.Severity | Should -Be 'Low'
        $risk.Example | Should -BeNullOrEmpty
        $risk.Explanation | Should -Match 'frobnicate'
    }

    It 'has a table view' {
        $text = Get-GitHubOidcTrustRisk -Provider Aws -Policy $script:awsOpen -Owner octo-org -Repository api | Out-String -Width 200
        $text | Should -Match 'Severity\s+Kind\s+Example'
        $text | Should -Match 'High\s+AnyRepository\s+repo:'
    }

    It 'a malformed configuration is an InvalidArgument error' {
        { Get-GitHubOidcTrustRisk -Provider Aws -Policy '{"not": "a policy"}' -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }

    Context 'with -Context' {
        BeforeAll {
            $script:fake = Start-FakeGitHub
            $script:context = $script:fake.Context()
        }

        AfterAll {
            Stop-FakeGitHub -Fake $script:fake
        }

        It 'reads the owner and repository IDs for the suggestion, and writes nothing' {
            $org = New-FakeOrg -Fake $script:fake @{ org = 'risk-org'; count = 2; seed = 5 }
            $name = @($org.names)[0]
            $state = Get-GitHubOidcRepository -Owner risk-org -Repository $name -Context $script:context
            $policy = New-AwsRole @{ StringLike = @{ "$($script:issuerHost):sub" = "repo:risk-org/$($name):*" } }
            Clear-FakeRequests -Fake $script:fake
            $named = Get-GitHubOidcTrustRisk -Provider Aws -Policy $policy -Owner risk-org -Repository $name -Context $script:context |
                Where-Object Kind -eq NameBasedSubject
            $named.Suggestion | Should -Match ([regex]::Escape("repo:risk-org@$($state.OwnerId)/$name@$($state.RepositoryId)"))
            $requests = @(Get-FakeRequests -Fake $script:fake)
            @($requests | Where-Object { $_.path -like "*$name*" }).Count | Should -BeGreaterThan 0 -Because 'the repository was looked up'
            @($requests | Where-Object { $_.method -ne 'GET' }).Count | Should -Be 0
        }
    }
}
