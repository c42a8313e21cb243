#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Test-GitHubOidcTrustPolicy: for every provider an allowed and a denied case (the reason names
# the condition and both values), immutable vs legacy subjects (the migration view), the
# round trip with New-GitHubOidcTrustPolicy, "cannot evaluate" is never allowed, malformed
# policies, -Path, -Token, -Enterprise, piped Resolve-GitHubOidcSubject output. No fake server
# is started: the command is offline, and a context whose API points at a closed port still works.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestTokens.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:std = 'https://token.actions.githubusercontent.com'
    $script:issuerHost = 'token.actions.githubusercontent.com'
    $script:legacy = 'repo:octo-org/octo-repo:ref:refs/heads/main'
    $script:immutable = 'repo:octo-org@100/octo-repo@200:ref:refs/heads/main'
    $script:other = 'repo:octo-org/other-repo:ref:refs/heads/main'

    function script:Get-Reason {
        param($Result, [string] $Condition)
        $found = @($Result.Reasons | Where-Object { $_.Condition -like $Condition })
        $found.Count | Should -BeGreaterThan 0 -Because "a reason about $Condition in $($Result.Reasons.Text -join '; ')"
        $found[0]
    }

    $script:aws = @{
        Version   = '2012-10-17'
        Statement = @(@{
                Sid       = 'GitHub'
                Effect    = 'Allow'
                Principal = @{ Federated = "arn:aws:iam::123456789012:oidc-provider/$script:issuerHost" }
                Action    = 'sts:AssumeRoleWithWebIdentity'
                Condition = @{ StringEquals = @{ "$($script:issuerHost):aud" = 'sts.amazonaws.com'; "$($script:issuerHost):sub" = $script:legacy } }
            })
    } | ConvertTo-Json -Depth 10

    $script:azure = @(
        @{ name = 'main'; issuer = $script:std; subject = $script:legacy; audiences = @('api://AzureADTokenExchange') }
        @{ name = 'prod'; issuer = $script:std; subject = 'repo:octo-org/octo-repo:environment:prod'; audiences = @('api://AzureADTokenExchange') }
    ) | ConvertTo-Json -Depth 10 -AsArray

    function script:New-GcpPolicy([string] $Condition) {
        @{
            name             = 'projects/123456/locations/global/workloadIdentityPools/github/providers/gh'
            attributeMapping = @{ 'google.subject' = 'assertion.sub'; 'attribute.repository' = 'assertion.repository' }
            attributeCondition = $Condition
            oidc             = @{ issuerUri = $script:std }
        } | ConvertTo-Json -Depth 10
    }

    $script:vault = @{
        data = @{
            role_type         = 'jwt'
            user_claim        = 'sub'
            bound_audiences   = @('https://github.com/octo-org')
            bound_claims      = @{ sub = @($script:legacy) }
            bound_claims_type = 'string'
        }
    } | ConvertTo-Json -Depth 10

    $script:npm = @{ type = 'github'; repository = 'octo-org/octo-pkg'; file = 'publish.yml'; env = 'npm' }
    $script:npmSubject = 'repo:octo-org/octo-pkg:environment:npm'
    $script:npmWorkflow = 'octo-org/octo-pkg/.github/workflows/publish.yml@refs/heads/main'

    $script:pypi = @{ repository_owner = 'octo-org'; repository_name = 'octo-pkg'; repository_owner_id = '100'; workflow_filename = 'release.yml'; environment = 'pypi' }
    $script:pypiSubject = 'repo:octo-org/octo-pkg:environment:pypi'
    $script:pypiWorkflow = 'octo-org/octo-pkg/.github/workflows/release.yml@refs/tags/v1'
}

Describe 'Test-GitHubOidcTrustPolicy' {
    Context 'Aws' {
        It 'allows the subject the role trusts' {
            $r = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Subject $script:legacy
            $r.PSObject.TypeNames | Should -Contain 'GitHubOidc.TrustResult'
            $r.Allowed | Should -BeTrue
            $r.Evaluable | Should -BeTrue
            $r.MatchedBy | Should -Match 'Statement'
            $r.Reasons | Should -BeNullOrEmpty
            $r.Audience | Should -Be 'sts.amazonaws.com'
            $r.Issuer | Should -Be $script:std
        }

        It 'denies another repository, naming the sub condition and both values' {
            $r = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Subject $script:other
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeTrue
            $reason = Get-Reason $r '*:sub'
            $reason.Operator | Should -Be 'StringEquals'
            $reason.Expected | Should -Be $script:legacy
            $reason.Actual | Should -Be $script:other
            $reason.Text | Should -Match ([regex]::Escape($script:legacy))
            $reason.Text | Should -Match ([regex]::Escape($script:other))
            $r.Suggestion | Should -Not -BeNullOrEmpty
        }

        It 'denies a wrong audience, naming both audiences' {
            $r = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Subject $script:legacy -Audience 'api://other'
            $r.Allowed | Should -BeFalse
            $reason = Get-Reason $r '*:aud'
            $reason.Expected | Should -Be 'sts.amazonaws.com'
            $reason.Actual | Should -Be 'api://other'
        }

        It 'denies the enterprise-scoped issuer (-Enterprise)' {
            $r = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Subject $script:legacy -Enterprise octocat-inc
            $r.Issuer | Should -Be "$script:std/octocat-inc"
            $r.Allowed | Should -BeFalse
            ($r.Reasons.Text -join ' ') | Should -Match 'octocat-inc'
        }

        It 'takes the policy as an object (parsed JSON) and as the lines a CLI writes' {
            $object = $script:aws | ConvertFrom-Json
            (Test-GitHubOidcTrustPolicy -Provider Aws -Policy $object -Subject $script:legacy).Allowed | Should -BeTrue
            $lines = [string[]]($script:aws -split "`n")
            (Test-GitHubOidcTrustPolicy -Provider Aws -Policy $lines -Subject $script:legacy).Allowed | Should -BeTrue
            $wrapped = @{ Role = @{ RoleName = 'deploy'; AssumeRolePolicyDocument = ($script:aws | ConvertFrom-Json -AsHashtable) } }
            (Test-GitHubOidcTrustPolicy -Provider Aws -Policy $wrapped -Subject $script:legacy).Allowed | Should -BeTrue
        }

        It 'takes sub, aud, iss and every claim from -Token' {
            $claims = New-TestClaimSet -Issuer $script:std -Audience 'sts.amazonaws.com'
            $r = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Token (New-TestIdToken -Claims $claims)
            $r.Subject | Should -Be $script:legacy
            $r.Audience | Should -Be 'sts.amazonaws.com'
            $r.Allowed | Should -BeTrue
            $claims = New-TestClaimSet -Issuer "$script:std/octocat-inc" -Audience 'sts.amazonaws.com'
            $r = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Token (New-TestIdToken -Claims $claims)
            $r.Allowed | Should -BeFalse
            $r.Issuer | Should -Be "$script:std/octocat-inc"
        }
    }

    Context 'Azure' {
        It 'allows a subject one credential names' {
            $r = Test-GitHubOidcTrustPolicy -Provider Azure -Policy $script:azure -Subject 'repo:octo-org/octo-repo:environment:prod'
            $r.Allowed | Should -BeTrue
            $r.MatchedBy | Should -Match 'prod'
            $r.Audience | Should -Be 'api://AzureADTokenExchange'
        }

        It 'denies a subject no credential names, with both values' {
            $r = Test-GitHubOidcTrustPolicy -Provider Azure -Policy $script:azure -Subject 'repo:octo-org/octo-repo:environment:Prod'
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeTrue
            $reason = Get-Reason $r 'subject'
            $reason.Expected | Should -BeIn @($script:legacy, 'repo:octo-org/octo-repo:environment:prod')
            $reason.Actual | Should -Be 'repo:octo-org/octo-repo:environment:Prod'
        }

        It 'warns once about the credential limit, however many subjects are piped' {
            $many = @(0..20 | ForEach-Object {
                    @{ name = "c$_"; issuer = $script:std; subject = "repo:octo-org/octo-repo:environment:e$_"; audiences = @('api://AzureADTokenExchange') }
                }) | ConvertTo-Json -Depth 10 -AsArray
            $results = 'repo:octo-org/octo-repo:environment:e1', 'repo:octo-org/octo-repo:environment:e2', $script:other |
                Test-GitHubOidcTrustPolicy -Provider Azure -Policy $many -WarningVariable warnings -WarningAction SilentlyContinue
            @($results).Count | Should -Be 3
            @($results.Allowed) | Should -Be @($true, $true, $false)
            # Each policy-level warning once, not once per piped subject.
            @($warnings).Count | Should -BeGreaterThan 0
            @($warnings | ForEach-Object { "$_" } | Select-Object -Unique).Count | Should -Be @($warnings).Count
            "$($warnings[0])" | Should -Match 'limit of 20'
        }
    }

    Context 'Gcp' {
        It 'allows a job the attributeCondition admits' {
            $r = Test-GitHubOidcTrustPolicy -Provider Gcp -Policy (New-GcpPolicy "assertion.repository == 'octo-org/octo-repo'") -Subject $script:legacy
            $r.Allowed | Should -BeTrue
            $r.MatchedBy | Should -Match 'attributeCondition'
        }

        It 'denies a job the attributeCondition rejects, with both values' {
            $r = Test-GitHubOidcTrustPolicy -Provider Gcp -Policy (New-GcpPolicy "assertion.sub == '$script:legacy'") -Subject $script:other
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeTrue
            $text = $r.Reasons.Text -join ' '
            $text | Should -Match ([regex]::Escape($script:legacy))
            $text | Should -Match ([regex]::Escape($script:other))
        }

        It 'never allows what it cannot evaluate' {
            $r = Test-GitHubOidcTrustPolicy -Provider Gcp -Policy (New-GcpPolicy 'size(assertion.sub) == 3') -Subject $script:legacy
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeFalse
            $r.Reasons | Should -Not -BeNullOrEmpty
        }

        It 'reports a condition on a claim that was not given as cannot evaluate, and decides it with -Claim' {
            $policy = New-GcpPolicy "assertion.job_workflow_ref == 'octo-org/wf/.github/workflows/deploy.yml@refs/heads/main'"
            $r = Test-GitHubOidcTrustPolicy -Provider Gcp -Policy $policy -Subject $script:legacy
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeFalse
            $r = Test-GitHubOidcTrustPolicy -Provider Gcp -Policy $policy -Subject $script:legacy -Claim @{ job_workflow_ref = 'octo-org/wf/.github/workflows/deploy.yml@refs/heads/main' }
            $r.Allowed | Should -BeTrue
        }
    }

    Context 'Vault' {
        It 'allows a bound subject with the default audience of the owner' {
            $r = Test-GitHubOidcTrustPolicy -Provider Vault -Policy $script:vault -Subject $script:legacy
            $r.Allowed | Should -BeTrue
            $r.Audience | Should -Be 'https://github.com/octo-org'
        }

        It 'denies another subject, with both values' {
            $r = Test-GitHubOidcTrustPolicy -Provider Vault -Policy $script:vault -Subject $script:other
            $r.Allowed | Should -BeFalse
            $reason = Get-Reason $r '*sub*'
            $reason.Expected | Should -Match ([regex]::Escape($script:legacy))
            $reason.Actual | Should -Be $script:other
        }
    }

    Context 'Npm' {
        It 'allows the publishing job' {
            $r = Test-GitHubOidcTrustPolicy -Provider Npm -Policy $script:npm -Subject $script:npmSubject -Claim @{ workflow_ref = $script:npmWorkflow }
            $r.Allowed | Should -BeTrue
            $r.Audience | Should -Be 'npm:registry.npmjs.org'
        }

        It 'denies another workflow file, with both values' {
            $other = 'octo-org/octo-pkg/.github/workflows/other.yml@refs/heads/main'
            $r = Test-GitHubOidcTrustPolicy -Provider Npm -Policy $script:npm -Subject $script:npmSubject -Claim @{ workflow_ref = $other }
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeTrue
            $text = $r.Reasons.Text -join ' '
            $text | Should -Match 'publish\.yml'
            $text | Should -Match 'other\.yml'
        }

        It 'denies the enterprise-scoped issuer' {
            $r = Test-GitHubOidcTrustPolicy -Provider Npm -Policy $script:npm -Subject $script:npmSubject -Claim @{ workflow_ref = $script:npmWorkflow } -Enterprise octocat-inc
            $r.Allowed | Should -BeFalse
            $r.Issuer | Should -Be "$script:std/octocat-inc"
        }
    }

    Context 'PyPI' {
        It 'allows the release job' {
            $r = Test-GitHubOidcTrustPolicy -Provider PyPI -Policy $script:pypi -Subject $script:pypiSubject -Claim @{ job_workflow_ref = $script:pypiWorkflow; repository_owner_id = '100' }
            $r.Allowed | Should -BeTrue
            $r.Audience | Should -Be 'pypi'
        }

        It 'denies a transferred owner (another owner ID), with both values' {
            $r = Test-GitHubOidcTrustPolicy -Provider PyPI -Policy $script:pypi -Subject $script:pypiSubject -Claim @{ job_workflow_ref = $script:pypiWorkflow; repository_owner_id = 999 }
            $r.Allowed | Should -BeFalse
            $reason = Get-Reason $r '*repository_owner_id*'
            $reason.Expected | Should -Be '100'
            $reason.Actual | Should -Be '999'
        }

        It 'cannot evaluate without the owner ID, and never allows it' {
            $r = Test-GitHubOidcTrustPolicy -Provider PyPI -Policy $script:pypi -Subject $script:pypiSubject -Claim @{ job_workflow_ref = $script:pypiWorkflow }
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeFalse
        }
    }

    Context 'PyPI as of 2026, crates.io, RubyGems.org, NuGet.org' {
        It 'PyPI admits an immutable subject (sub is not checked since pypi/warehouse#19422)' {
            $r = Test-GitHubOidcTrustPolicy -Provider PyPI -Policy $script:pypi -Subject 'repo:octo-org@100/octo-pkg@200:environment:pypi' `
                -Claim @{ job_workflow_ref = $script:pypiWorkflow; ref = 'refs/tags/v1' }
            $r.Allowed | Should -BeTrue -Because ($r.Reasons.Text -join '; ')
        }

        It '<Provider>: allowed with its own audience, denied for another repository' -ForEach @(
            @{ Provider = 'Crates'; Audience = 'crates.io'; WorkflowClaim = 'workflow_ref'
                Policy = @{ repository_owner = 'octo-org'; repository_name = 'octo-pkg'; repository_owner_id = '100'; workflow_filename = 'release.yml' } }
            @{ Provider = 'RubyGems'; Audience = 'rubygems.org'; WorkflowClaim = 'job_workflow_ref'
                Policy = @{ repository_owner = 'octo-org'; repository_name = 'octo-pkg'; repository_owner_id = '100'; workflow_filename = 'release.yml' } }
            @{ Provider = 'NuGet'; Audience = 'https://www.nuget.org'; WorkflowClaim = 'job_workflow_ref'
                Policy = @{ owner = 'octo-org'; repository = 'octo-pkg'; workflow = 'release.yml'; ownerId = '100'; repositoryId = '200' } }
        ) {
            $claims = @{ $WorkflowClaim = $script:pypiWorkflow; ref = 'refs/tags/v1'; repository_owner_id = '100'; repository_id = '200' }
            $r = Test-GitHubOidcTrustPolicy -Provider $Provider -Policy $Policy -Subject 'repo:octo-org/octo-pkg:ref:refs/tags/v1' -Claim $claims
            $r.Allowed | Should -BeTrue -Because ($r.Reasons.Text -join '; ')
            $r.Audience | Should -Be $Audience
            $other = Test-GitHubOidcTrustPolicy -Provider $Provider -Policy $Policy -Subject 'repo:octo-org/other:ref:refs/tags/v1' -Claim $claims
            $other.Allowed | Should -BeFalse
            (Get-Reason $other 'repository*').Expected | Should -Match 'octo-org'
        }
    }

    Context 'Immutable and legacy subjects' {
        It 'a policy for the name-based subject denies the immutable one, and says why' {
            $r = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Subject $script:immutable
            $r.Allowed | Should -BeFalse
            $reason = Get-Reason $r '*:sub'
            $reason.Expected | Should -Be $script:legacy
            $reason.Actual | Should -Be $script:immutable
            $reason.Note | Should -Match 'immutable'
        }

        It 'tests both forms of a piped Resolve-GitHubOidcSubject object (the migration view)' {
            $subject = Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; repository_owner_id = '100'; repository_id = '200'; ref = 'refs/heads/main' }
            $subject.LegacySubject | Should -Be $script:legacy
            $subject.ImmutableSubject | Should -Be $script:immutable
            $results = @($subject | Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws)
            $results.Count | Should -Be 2
            $results[0].Form | Should -Be 'Legacy'
            $results[0].Subject | Should -Be $script:legacy
            $results[0].Allowed | Should -BeTrue
            $results[1].Form | Should -Be 'Immutable'
            $results[1].Subject | Should -Be $script:immutable
            $results[1].Allowed | Should -BeFalse
        }

        It 'a piped object contributes its claims' {
            $workflow = 'octo-org/wf/.github/workflows/deploy.yml@refs/heads/main'
            $policy = New-GcpPolicy "assertion.job_workflow_ref == '$workflow'"
            $subject = Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; ref = 'refs/heads/main'; job_workflow_ref = $workflow } -IncludeClaimKeys repo, job_workflow_ref
            $subject.Claims.job_workflow_ref | Should -Be $workflow
            $r = $subject | Test-GitHubOidcTrustPolicy -Provider Gcp -Policy $policy
            $r.Subject | Should -Be $subject.Subject
            $r.Allowed | Should -BeTrue -Because ($r.Reasons.Text -join '; ')
            # An object's Claims are sent with its subject: the name-based subject alone does not
            # show job_workflow_ref (cannot evaluate), with the object's claims it is allowed.
            ($script:legacy | Test-GitHubOidcTrustPolicy -Provider Gcp -Policy $policy).Evaluable | Should -BeFalse
            $r = [pscustomobject]@{ Subject = $script:legacy; Claims = [pscustomobject]@{ job_workflow_ref = $workflow } } |
                Test-GitHubOidcTrustPolicy -Provider Gcp -Policy $policy
            $r.Allowed | Should -BeTrue -Because ($r.Reasons.Text -join '; ')
            # Any object with Subject and Claims works too; -Claim wins over its claims.
            $r = [pscustomobject]@{ Subject = $script:legacy; Claims = @{ job_workflow_ref = $workflow } } |
                Test-GitHubOidcTrustPolicy -Provider Gcp -Policy $policy -Claim @{ job_workflow_ref = 'octo-org/wf/.github/workflows/other.yml@refs/heads/main' }
            $r.Allowed | Should -BeFalse
            $r.Evaluable | Should -BeTrue
        }
    }

    Context 'Repositories: the migration view (Get-GitHubOidcRepository | Test-GitHubOidcTrustPolicy)' {
        BeforeAll {
            # GitHubOidc.RepositoryState as the fleet inventory reports it (crates/github_oidc_core/src/fleet.rs).
            function script:New-RepositoryState {
                param([string] $Name, [long] $Id, [bool] $Immutable = $false, [string[]] $Keys = @('repo', 'context'), [string] $Source = 'Default')
                [pscustomobject]@{
                    PSTypeName          = 'GitHubOidc.RepositoryState'
                    Owner               = 'octo-org'
                    Repository          = $Name
                    RepositoryId        = $Id
                    OwnerId             = 100
                    Visibility          = 'private'
                    Archived            = $false
                    Source              = $Source
                    IncludeClaimKeys    = $Keys
                    OwnClaimKeys        = $null
                    UseDefault          = $true
                    UseImmutableSubject = $Immutable
                    SubClaimPrefix      = if ($Immutable) { "repo:octo-org@100/$Name@$Id" } else { "repo:octo-org/$Name" }
                    Immutable           = $Immutable
                    ImmutablePrefix     = "repo:octo-org@100/$Name@$Id"
                    LegacyPrefix        = "repo:octo-org/$Name"
                }
            }
            # Trusts octo-repo by name and by its immutable prefix, other-repo by name only.
            $script:fleetPolicy = @{
                Version   = '2012-10-17'
                Statement = @(@{
                        Effect    = 'Allow'
                        Principal = @{ Federated = "arn:aws:iam::123456789012:oidc-provider/$script:issuerHost" }
                        Action    = 'sts:AssumeRoleWithWebIdentity'
                        Condition = @{
                            StringEquals = @{ "$($script:issuerHost):aud" = 'sts.amazonaws.com' }
                            StringLike   = @{ "$($script:issuerHost):sub" = @(
                                    'repo:octo-org/octo-repo:*', 'repo:octo-org@100/octo-repo@200:*', 'repo:octo-org/other-repo:ref:refs/heads/main')
                            }
                        }
                    })
            } | ConvertTo-Json -Depth 10
        }

        It 'tests each piped repository with its current and its immutable subject, and shows which would be locked out' {
            $results = @(
                (New-RepositoryState octo-repo 200), (New-RepositoryState other-repo 300) |
                    Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:fleetPolicy -Branch main
            )
            $results.Count | Should -Be 4
            $results | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'GitHubOidc.TrustResult' }
            $results.Repository | Should -Be @('octo-org/octo-repo', 'octo-org/octo-repo', 'octo-org/other-repo', 'octo-org/other-repo')
            $results.Form | Should -Be @('Current', 'Immutable', 'Current', 'Immutable')
            $results.Subject | Should -Be @(
                'repo:octo-org/octo-repo:ref:refs/heads/main', 'repo:octo-org@100/octo-repo@200:ref:refs/heads/main'
                'repo:octo-org/other-repo:ref:refs/heads/main', 'repo:octo-org@100/other-repo@300:ref:refs/heads/main')
            $results.Allowed | Should -Be @($true, $true, $true, $false)
            # Locked out after opting in: allowed now, denied with the immutable subject.
            $locked = @($results | Group-Object Repository | Where-Object {
                    ($_.Group | Where-Object Form -EQ 'Current').Allowed -and -not ($_.Group | Where-Object Form -EQ 'Immutable').Allowed
                }).Name
            $locked | Should -Be @('octo-org/other-repo')
            (Get-Reason $results[3] '*:sub').Actual | Should -Be 'repo:octo-org@100/other-repo@300:ref:refs/heads/main'
        }

        It 'a repository that already uses immutable subjects has the immutable subject as its current one' {
            $results = @(New-RepositoryState octo-repo 200 -Immutable $true | Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:fleetPolicy -Branch main)
            $results.Subject | Should -Be @('repo:octo-org@100/octo-repo@200:ref:refs/heads/main', 'repo:octo-org@100/octo-repo@200:ref:refs/heads/main')
            $results.Allowed | Should -Be @($true, $true)
        }

        It 'describes the job as Resolve-GitHubOidcSubject does (-Environment, -PullRequest, -Tag, -Ref, -Claim)' {
            $state = New-RepositoryState octo-repo 200
            $expect = @{
                Environment = 'repo:octo-org/octo-repo:environment:prod'
                PullRequest = 'repo:octo-org/octo-repo:pull_request'
                Tag         = 'repo:octo-org/octo-repo:ref:refs/tags/v1'
                Ref         = 'repo:octo-org/octo-repo:ref:refs/heads/release'
            }
            $jobs = @{ Environment = 'prod'; PullRequest = 7; Tag = 'v1'; Ref = 'refs/heads/release' }
            foreach ($job in $jobs.Keys) {
                $job_ = @{ $job = $jobs[$job] }
                $r = @($state | Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:fleetPolicy @job_)
                $r[0].Subject | Should -Be $expect[$job] -Because $job
                # The same job through Resolve-GitHubOidcSubject (the offline rules) gives the same subject.
                $resolveJob = switch ($job) {
                    'Environment' { @{ environment = 'prod' } }
                    'PullRequest' { @{ event_name = 'pull_request'; ref = 'refs/pull/7/merge' } }
                    'Tag' { @{ ref = 'refs/tags/v1' } }
                    'Ref' { @{ ref = 'refs/heads/release' } }
                }
                (Resolve-GitHubOidcSubject -Claim (@{ repository = 'octo-org/octo-repo' } + $resolveJob)).Subject | Should -Be $expect[$job]
            }
            # The repository's own template, and claims given with -Claim.
            $workflow = 'octo-org/wf/.github/workflows/deploy.yml@refs/heads/main'
            $custom = New-RepositoryState octo-repo 200 -Keys 'repository_owner_id', 'job_workflow_ref' -Source 'Repository'
            $r = @($custom | Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:fleetPolicy -Branch main -Claim @{ job_workflow_ref = $workflow })
            $r[0].Subject | Should -Be "repository_owner_id:100:job_workflow_ref:$($workflow -replace ':', '%3A')"
            $r[1].Subject | Should -Be $r[0].Subject
        }

        It 'takes the repository as parameters too, and mixes with piped subject strings' {
            $r = @(Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:fleetPolicy -Owner octo-org -Repository other-repo -RepositoryId 300 -OwnerId 100 -Branch main)
            $r.Form | Should -Be @('Current', 'Immutable')
            $r.Allowed | Should -Be @($true, $false)
            $mixed = @((New-RepositoryState other-repo 300), $script:legacy, (New-RepositoryState octo-repo 200) |
                    Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:fleetPolicy -Branch main)
            $mixed.Count | Should -Be 5
            $mixed.Repository | Should -Be @('octo-org/other-repo', 'octo-org/other-repo', $null, 'octo-org/octo-repo', 'octo-org/octo-repo')
            $mixed[2].Subject | Should -Be $script:legacy
            $mixed[2].Form | Should -BeNullOrEmpty
        }

        It 'a repository whose subject cannot be computed is an error naming it, and the pipeline goes on' {
            # No job described: the default template's context needs a ref.
            $results = @((New-RepositoryState octo-repo 200), (New-RepositoryState other-repo 300 -Keys 'repo') |
                    Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:fleetPolicy -ErrorVariable failed -ErrorAction SilentlyContinue)
            $failed.Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument*'
            $failed[0].TargetObject | Should -Be 'octo-org/octo-repo'
            "$($failed[0])" | Should -Match 'ref'
            $results.Repository | Should -Be @('octo-org/other-repo', 'octo-org/other-repo')
            $results.Subject | Should -Be @('repo:octo-org/other-repo', 'repo:octo-org@100/other-repo@300')
        }
    }

    Context 'Round trip with New-GitHubOidcTrustPolicy' {
        It '<_>: a policy written for a subject allows that subject' -ForEach 'Aws', 'Azure', 'Gcp', 'Vault' {
            foreach ($subject in $script:legacy, $script:immutable, 'repo:Octo-Org/Octo.Repo:environment:Prod') {
                $policy = New-GitHubOidcTrustPolicy -Provider $_ -Subject $subject -AwsAccountId 123456789012
                $r = Test-GitHubOidcTrustPolicy -Provider $_ -Policy $policy -Subject $subject
                $r.Allowed | Should -BeTrue -Because "$_ $subject : $($r.Reasons.Text -join '; ')"
            }
        }

        It '<_>: with the enterprise-scoped issuer on both sides' -ForEach 'Aws', 'Azure', 'Gcp' {
            $policy = New-GitHubOidcTrustPolicy -Provider $_ -Subject $script:legacy -Enterprise octocat-inc -AwsAccountId 123456789012
            (Test-GitHubOidcTrustPolicy -Provider $_ -Policy $policy -Subject $script:legacy -Enterprise octocat-inc).Allowed | Should -BeTrue
            (Test-GitHubOidcTrustPolicy -Provider $_ -Policy $policy -Subject $script:legacy).Allowed | Should -BeFalse
        }
    }

    Context 'Input' {
        It 'reads -Path' {
            $file = Join-Path $TestDrive 'trust.json'
            Set-Content -LiteralPath $file -Value $script:aws
            (Test-GitHubOidcTrustPolicy -Provider Aws -Path $file -Subject $script:legacy).Allowed | Should -BeTrue
            (Test-GitHubOidcTrustPolicy -Provider Aws -Path $file -Subject $script:other).Allowed | Should -BeFalse
        }

        It 'a missing -Path is an InvalidArgument error' {
            { Test-GitHubOidcTrustPolicy -Provider Aws -Path (Join-Path $TestDrive 'nope.json') -Subject $script:legacy } |
                Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
        }

        It 'streams one result per piped subject, in order' {
            $results = @($script:legacy, $script:other, $script:immutable | Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws)
            $results.Subject | Should -Be @($script:legacy, $script:other, $script:immutable)
            $results.Allowed | Should -Be @($true, $false, $false)
        }

        It 'a malformed policy is a GitHubOidc.InvalidArgument error naming the problem' {
            $err = $null
            try { Test-GitHubOidcTrustPolicy -Provider Aws -Policy '{"Statement": 5}' -Subject $script:legacy } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument*'
            $err.Exception.Message | Should -Match 'Statement'
            { Test-GitHubOidcTrustPolicy -Provider Gcp -Policy '{not json' -Subject $script:legacy } |
                Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
            { Test-GitHubOidcTrustPolicy -Provider Azure -Policy '   ' -Subject $script:legacy } |
                Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
        }

        It 'no subject and no token is an InvalidArgument error' {
            { Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
        }

        It 'a token never appears in an error' {
            $claims = New-TestClaimSet -Issuer $script:std -Audience 'sts.amazonaws.com'
            $token = New-TestIdToken -Claims $claims
            $err = $null
            try { Test-GitHubOidcTrustPolicy -Provider Aws -Policy '{"Statement": 5}' -Token $token } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            ($err | Out-String) | Should -Not -Match ([regex]::Escape($token))
        }

        It 'makes no request: a context whose API is a closed port still works' {
            $context = @{ HostName = 'github.com'; ApiBaseUri = (Get-ClosedPortUrl) }
            (Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Subject $script:legacy -Context $context).Allowed | Should -BeTrue
        }

        It 'shows Subject, Allowed and the first reason in its table' {
            $text = Test-GitHubOidcTrustPolicy -Provider Aws -Policy $script:aws -Subject $script:other | Format-Table | Out-String -Width 400
            $text | Should -Match 'MatchedBy / Reason'
            $text | Should -Match ([regex]::Escape($script:other))
            $text | Should -Match 'StringEquals'
        }
    }
}
