#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Resolve-GitHubOidcSubject: every example subject of github-oidc-api.md §4–§5 offline, the live
# path against the fake GitHub (default, own template, org template, immutable prefix), tokens.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestTokens.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub
    $script:base = @{
        repository          = 'octo-org/octo-repo'
        repository_owner    = 'octo-org'
        repository_owner_id = '123456'
        repository_id       = '456789'
        ref                 = 'refs/heads/main'
        event_name          = 'push'
    }
    function Get-BaseClaim([hashtable] $Extra) {
        $c = $script:base.Clone()
        foreach ($k in $Extra.Keys) { $c[$k] = $Extra[$k] }
        $c
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Resolve-GitHubOidcSubject offline (§5.1 default template)' {
    It 'environment: <Expected>' -ForEach @(
        @{ Extra = @{ environment = 'Production' }; Expected = 'repo:octo-org/octo-repo:environment:Production' }
        @{ Extra = @{ event_name = 'pull_request'; ref = 'refs/pull/1/merge' }; Expected = 'repo:octo-org/octo-repo:pull_request' }
        @{ Extra = @{}; Expected = 'repo:octo-org/octo-repo:ref:refs/heads/main' }
        @{ Extra = @{ ref = 'refs/tags/v1.2.3' }; Expected = 'repo:octo-org/octo-repo:ref:refs/tags/v1.2.3' }
        @{ Extra = @{ environment = 'Production:V1' }; Expected = 'repo:octo-org/octo-repo:environment:Production%3AV1' }
        @{ Extra = @{ environment = 'Production'; event_name = 'pull_request' }; Expected = 'repo:octo-org/octo-repo:environment:Production' }
    ) {
        $r = Resolve-GitHubOidcSubject -Claim (Get-BaseClaim $Extra)
        $r.Subject | Should -BeExactly $Expected
        $r.Source | Should -Be 'Default'
        $r.IncludeClaimKeys | Should -Be @('repo', 'context')
        $r.Immutable | Should -BeFalse
        $r.PSObject.TypeNames | Should -Contain 'GitHubOidc.Subject'
    }

    It 'reports the claims it used' {
        $r = Resolve-GitHubOidcSubject -Claim (Get-BaseClaim @{ environment = 'Production:V1' })
        $r.Claims.environment | Should -BeExactly 'Production:V1'
        $r.Claims.repository | Should -BeExactly 'octo-org/octo-repo'
    }
}

Describe 'Resolve-GitHubOidcSubject offline (§5.2 custom templates)' {
    It '<Keys> -> <Expected>' -ForEach @(
        @{ Keys = 'repository_owner', 'repository_visibility'; Claim = @{ repository_owner = 'monalisa'; repository_visibility = 'private' }; Expected = 'repository_owner:monalisa:repository_visibility:private' }
        @{ Keys = 'repo', 'context', 'job_workflow_ref'; Claim = @{ repository = 'octo-org/octo-repo'; environment = 'prod'; job_workflow_ref = 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' }; Expected = 'repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' }
        @{ Keys = 'repo', 'context'; Claim = @{ repository = 'octo-org/octo-repo'; ref = 'refs/heads/main' }; Expected = 'repo:octo-org/octo-repo:ref:refs/heads/main' }
        @{ Keys = 'environment', 'repository_owner'; Claim = @{ environment = 'production:eastus'; repository_owner = 'octo-org' }; Expected = 'environment:production%3Aeastus:repository_owner:octo-org' }
        @{ Keys = , 'repo_property_workspace_id'; Claim = @{ repo_property_workspace_id = 'ws-abc123' }; Expected = 'repo_property_workspace_id:ws-abc123' }
        @{ Keys = , 'job_workflow_ref'; Claim = @{ job_workflow_ref = 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' }; Expected = 'job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main' }
        @{ Keys = , 'repo'; Claim = @{ repository = 'octo-org/octo-repo' }; Expected = 'repo:octo-org/octo-repo' }
        @{ Keys = , 'repository_id'; Claim = @{ repository_id = '456789' }; Expected = 'repository_id:456789' }
        @{ Keys = , 'repository_owner_id'; Claim = @{ repository_owner_id = '123456' }; Expected = 'repository_owner_id:123456' }
    ) {
        $r = Resolve-GitHubOidcSubject -Claim $Claim -IncludeClaimKeys $Keys
        $r.Subject | Should -BeExactly $Expected
        $r.Source | Should -Be 'Given'
        $r.IncludeClaimKeys | Should -Be $Keys
    }

    It 'a template key whose claim is missing is an error naming the key' {
        $err = $null
        $r = Resolve-GitHubOidcSubject -Claim (Get-BaseClaim @{}) -IncludeClaimKeys 'repo', 'environment' -ErrorAction SilentlyContinue -ErrorVariable err
        $r | Should -BeNullOrEmpty
        $err[-1].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument*'
        "$($err[-1])" | Should -Match '`environment`'
    }

    It 'rejects an invalid key' {
        { Resolve-GitHubOidcSubject -Claim (Get-BaseClaim @{}) -IncludeClaimKeys 'repo-name' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }
}

Describe 'Resolve-GitHubOidcSubject offline (§4 immutable subjects)' {
    It 'previous and immutable forms of the docs example' {
        $r = Resolve-GitHubOidcSubject -Claim (Get-BaseClaim @{})
        $r.Subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $r.ImmutableSubject | Should -BeExactly 'repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main'

        $i = Resolve-GitHubOidcSubject -Claim (Get-BaseClaim @{}) -UseImmutableSubject
        $i.Subject | Should -BeExactly 'repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main'
        $i.Immutable | Should -BeTrue
        $i.LegacySubject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
    }

    It 'the observed custom-template subject (§4.4)' {
        $claim = @{
            repository          = 'richeney-org/alz-mgmt'
            repository_owner    = 'richeney-org'
            repository_owner_id = '219859934'
            repository_id       = '1309247986'
            environment         = 'alz-mgmt-plan'
            ref                 = 'refs/heads/main'
            job_workflow_ref    = 'richeney-org/alz-mgmt-templates/.github/workflows/ci-template.yaml@refs/heads/main'
        }
        $r = Resolve-GitHubOidcSubject -Claim $claim -IncludeClaimKeys repo, context, job_workflow_ref -UseImmutableSubject
        $r.Subject | Should -BeExactly 'repo:richeney-org@219859934/alz-mgmt@1309247986:environment:alz-mgmt-plan:job_workflow_ref:richeney-org/alz-mgmt-templates/.github/workflows/ci-template.yaml@refs/heads/main'
    }

    It 'immutable without IDs names the missing claim' {
        { Resolve-GitHubOidcSubject -Claim @{ repository = 'o/r'; ref = 'refs/heads/main' } -UseImmutableSubject -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*repository_owner_id*'
    }

    It 'makes no request (offline needs neither a token nor a context)' {
        Clear-FakeRequests -Fake $script:fake
        $null = Resolve-GitHubOidcSubject -Claim (Get-BaseClaim @{})
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
        (Get-Command Resolve-GitHubOidcSubject).ParameterSets.Where({ $_.Name -eq 'Offline' }).Parameters.Name | Should -Not -Contain 'Context'
    }
}

Describe 'Resolve-GitHubOidcSubject live (fake GitHub)' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    It 'default repository (octo-org/octo-repo)' {
        $r = Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Branch main -Context $script:fake.Context()
        $r.Subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $r.Source | Should -Be 'Default'
        $r.SubClaimPrefix | Should -BeExactly 'repo:octo-org/octo-repo'
        $r.ImmutableSubject | Should -BeExactly 'repo:octo-org@100/octo-repo@200:ref:refs/heads/main'
        $r.Owner | Should -Be 'octo-org'
        $r.Repository | Should -Be 'octo-repo'
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '/repos/octo-org/octo-repo/actions/oidc/customization/sub').Count | Should -Be 1
    }

    It 'default repository: -PullRequest, -Tag, -Environment' {
        $ctx = $script:fake.Context()
        (Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -PullRequest 7 -Context $ctx).Subject |
            Should -BeExactly 'repo:octo-org/octo-repo:pull_request'
        (Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Tag v2 -Context $ctx).Subject |
            Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/tags/v2'
        (Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Environment 'prod:west' -Branch main -Context $ctx).Subject |
            Should -BeExactly 'repo:octo-org/octo-repo:environment:prod%3Awest'
        (Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Ref refs/heads/dev -Context $ctx).Subject |
            Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/dev'
    }

    It 'a repository with its own template (custom-org/own-template)' {
        $wf = 'custom-org/own-template/.github/workflows/deploy.yml@refs/heads/main'
        $r = Resolve-GitHubOidcSubject -Owner custom-org -Repository own-template -Branch main -Claim @{ job_workflow_ref = $wf } -Context $script:fake.Context()
        $r.Source | Should -Be 'Repository'
        $r.IncludeClaimKeys | Should -Be @('repo', 'context', 'job_workflow_ref')
        $r.Subject | Should -BeExactly "repo:custom-org/own-template:ref:refs/heads/main:job_workflow_ref:$wf"
    }

    It 'own template with a claim the job lacks renders the key empty, as GitHub does' {
        $r = Resolve-GitHubOidcSubject -Owner custom-org -Repository own-template -Branch main -Context $script:fake.Context() -ErrorAction Stop
        $r.Subject | Should -BeExactly 'repo:custom-org/own-template:ref:refs/heads/main:job_workflow_ref:'
    }

    It 'a template that names environment fails for a job without one (GitHub fails such a job)' {
        { Resolve-GitHubOidcSubject -Claim @{ repository = 'o/r'; ref = 'refs/heads/main' } -IncludeClaimKeys repo, environment -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*environment*'
    }

    It 'describes a pull_request_target job with the pull_request context' {
        $r = Resolve-GitHubOidcSubject -Claim @{ repository = 'o/r'; ref = 'refs/heads/main'; event_name = 'pull_request_target' }
        $r.Subject | Should -BeExactly 'repo:o/r:pull_request'
    }

    It 'refuses two of -Branch, -Tag, -Ref and -PullRequest, naming them' {
        { Resolve-GitHubOidcSubject -Owner custom-org -Repository own-template -Branch main -Tag v1 -Context $script:fake.Context() -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*branch*tag*'
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
    }

    It 'a repository opted in to the organization template (custom-org/opted-in)' {
        $r = Resolve-GitHubOidcSubject -Owner custom-org -Repository opted-in -Branch main -Context $script:fake.Context()
        $r.Source | Should -Be 'Organization'
        $r.IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
        $r.Subject | Should -BeExactly 'repository_owner_id:101:ref:refs/heads/main'
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '/orgs/custom-org/actions/oidc/customization/sub').Count | Should -Be 1
    }

    It 'an immutable repository whose use_immutable_subject reads false (octo-org/new-repo)' {
        $r = Resolve-GitHubOidcSubject -Owner octo-org -Repository new-repo -Branch main -Context $script:fake.Context() -WarningAction SilentlyContinue
        $r.UseImmutableSubject | Should -BeFalse
        $r.SubClaimPrefix | Should -BeExactly 'repo:octo-org@100/new-repo@201'
        $r.Subject | Should -BeExactly 'repo:octo-org@100/new-repo@201:ref:refs/heads/main'
        $r.Immutable | Should -BeTrue
        $r.LegacySubject | Should -BeExactly 'repo:octo-org/new-repo:ref:refs/heads/main'
        $r.Warnings | Should -Not -BeNullOrEmpty
    }

    It 'pipes from Get-GitHubOidcSubjectClaim-style objects (Owner, Repository by property name)' {
        $r = [pscustomobject]@{ Owner = 'octo-org'; Repository = 'octo-repo' } |
            Resolve-GitHubOidcSubject -Branch main -Context $script:fake.Context()
        $r.Subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
    }

    It 'a missing repository is NotFound' {
        { Resolve-GitHubOidcSubject -Owner octo-org -Repository nope -Branch main -Context $script:fake.Context() -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.NotFound*'
    }

    It 'only one of -Branch, -Tag, -Ref, -PullRequest' {
        { Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Branch main -Tag v1 -Context $script:fake.Context() -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }
}

Describe 'Resolve-GitHubOidcSubject -Token' {
    It 'recomputes the token''s sub and reports that it matches' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer 'https://token.actions.githubusercontent.com')
        $r = Resolve-GitHubOidcSubject -Token $jwt
        $r.Subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $r.TokenSubject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $r.Matches | Should -BeTrue
    }

    It 'recognises an immutable sub and a custom template' {
        $claims = New-TestClaimSet -Issuer 'https://token.actions.githubusercontent.com' -Override @{
            sub = 'repo:octo-org@100/octo-repo@200:ref:refs/heads/main'
        }
        (Resolve-GitHubOidcSubject -Token (New-TestIdToken -Claims $claims)).Matches | Should -BeTrue

        $claims = New-TestClaimSet -Issuer 'https://token.actions.githubusercontent.com' -Override @{ sub = 'repository_owner_id:100:ref:refs/heads/main' }
        $jwt = New-TestIdToken -Claims $claims
        (Resolve-GitHubOidcSubject -Token $jwt -WarningAction SilentlyContinue).Matches | Should -BeFalse
        (Resolve-GitHubOidcSubject -Token $jwt -IncludeClaimKeys repository_owner_id, context).Matches | Should -BeTrue
    }

    It 'a malformed token is an InvalidArgument error that does not echo the token' {
        $err = $null
        $null = Resolve-GitHubOidcSubject -Token 'abc.def' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[-1].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument*'
        "$($err[-1])" | Should -Not -Match 'abc\.def'
    }
}

Describe 'Resolve-GitHubOidcSubject help' {
    It 'has a synopsis, a description, parameter help and examples' {
        $help = Get-Help Resolve-GitHubOidcSubject -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.description | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        ($help.parameters.parameter | Where-Object name -EQ 'Claim').description | Should -Not -BeNullOrEmpty
    }
}
