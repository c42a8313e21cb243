#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# New-GitHubOidcTrustPolicy: each provider's output parses as JSON and has the fields the
# provider requires; subjects from strings and from Resolve-GitHubOidcSubject; issuers.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:sub = 'repo:octo-org/octo-repo:ref:refs/heads/main'
    $script:std = 'https://token.actions.githubusercontent.com'
}

Describe 'New-GitHubOidcTrustPolicy' {
    It 'Aws: an IAM role trust policy' {
        $json = New-GitHubOidcTrustPolicy -Provider Aws -Subject $script:sub -AwsAccountId 123456789012
        $json | Should -BeOfType [string]
        $p = $json | ConvertFrom-Json -AsHashtable
        $p.Version | Should -Be '2012-10-17'
        $st = $p.Statement[0]
        $st.Effect | Should -Be 'Allow'
        $st.Action | Should -Be 'sts:AssumeRoleWithWebIdentity'
        $st.Principal.Federated | Should -Be 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
        $st.Condition.StringEquals['token.actions.githubusercontent.com:aud'] | Should -Be 'sts.amazonaws.com'
        $st.Condition.StringEquals['token.actions.githubusercontent.com:sub'] | Should -Be @($script:sub)
    }

    It 'Aws: StringLike for wildcards, ACCOUNT_ID placeholder' {
        $p = New-GitHubOidcTrustPolicy -Provider Aws -Subject 'repo:octo-org/*' | ConvertFrom-Json -AsHashtable
        $p.Statement[0].Condition.StringLike['token.actions.githubusercontent.com:sub'] | Should -Be @('repo:octo-org/*')
        $p.Statement[0].Principal.Federated | Should -Match ':ACCOUNT_ID:'
    }

    It 'Azure: one federated identity credential per subject' {
        $subs = $script:sub, 'repo:octo-org/octo-repo:environment:prod'
        $p = @(New-GitHubOidcTrustPolicy -Provider Azure -Subject $subs | ConvertFrom-Json)
        $p.Count | Should -Be 2
        foreach ($i in 0, 1) {
            $p[$i].name | Should -Match '^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$'
            $p[$i].issuer | Should -Be $script:std
            $p[$i].subject | Should -Be $subs[$i]
            $p[$i].audiences | Should -Be @('api://AzureADTokenExchange')
        }
    }

    It 'Azure: wildcards are an error' {
        { New-GitHubOidcTrustPolicy -Provider Azure -Subject 'repo:octo-org/*' -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }

    It 'Gcp: a workload identity pool provider body' {
        $p = New-GitHubOidcTrustPolicy -Provider Gcp -Subject $script:sub -Audience my-aud | ConvertFrom-Json
        $p.attributeMapping.'google.subject' | Should -Be 'assertion.sub'
        $p.attributeCondition | Should -Be "assertion.sub == '$($script:sub)'"
        $p.oidc.issuerUri | Should -Be $script:std
        $p.oidc.allowedAudiences | Should -Be @('my-aud')
    }

    It 'Vault: a JWT auth role' {
        $p = New-GitHubOidcTrustPolicy -Provider Vault -Subject $script:sub | ConvertFrom-Json
        $p.role_type | Should -Be 'jwt'
        $p.user_claim | Should -Be 'sub'
        $p.bound_subject | Should -Be $script:sub
        $p.bound_claims.sub | Should -Be @($script:sub)
        $p.bound_audiences | Should -Be @('https://github.com/octo-org')
    }

    It 'takes strings and Resolve-GitHubOidcSubject output from the pipeline' {
        $p = $script:sub, 'repo:octo-org/octo-repo:pull_request' | New-GitHubOidcTrustPolicy -Provider Aws | ConvertFrom-Json -AsHashtable
        $p.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub'].Count | Should -Be 2

        $resolved = Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; ref = 'refs/heads/main'; repository_owner_id = '100'; repository_id = '200' }
        $p = $resolved | New-GitHubOidcTrustPolicy -Provider Aws | ConvertFrom-Json -AsHashtable
        $p.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub'] | Should -Be @($script:sub)
    }

    It '-IncludeLegacy trusts both the name-based and the immutable subject' {
        $resolved = Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; ref = 'refs/heads/main'; repository_owner_id = '100'; repository_id = '200' } -UseImmutableSubject
        $p = $resolved | New-GitHubOidcTrustPolicy -Provider Azure -IncludeLegacy | ConvertFrom-Json
        @($p.subject) | Should -Be @('repo:octo-org@100/octo-repo@200:ref:refs/heads/main', $script:sub)
    }

    It 'issuer from the context, -Enterprise and -Issuer' {
        $p = New-GitHubOidcTrustPolicy -Provider Gcp -Subject $script:sub -Context github.example.com | ConvertFrom-Json
        $p.oidc.issuerUri | Should -Be 'https://github.example.com/_services/token'
        $p = New-GitHubOidcTrustPolicy -Provider Gcp -Subject $script:sub -Context octocorp.ghe.com | ConvertFrom-Json
        $p.oidc.issuerUri | Should -Be 'https://token.actions.octocorp.ghe.com'
        $p = New-GitHubOidcTrustPolicy -Provider Aws -Subject $script:sub -Enterprise octocat-inc | ConvertFrom-Json -AsHashtable
        $p.Statement[0].Principal.Federated | Should -Be 'arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com/octocat-inc'
        $p.Statement[0].Condition.StringEquals.Keys | Should -Contain 'token.actions.githubusercontent.com/octocat-inc:sub'
        $p = New-GitHubOidcTrustPolicy -Provider Azure -Subject $script:sub -Issuer 'https://issuer.example.com' | ConvertFrom-Json
        $p[0].issuer | Should -Be 'https://issuer.example.com'
    }

    It 'rejects a bad AWS account ID and a subject object without Subject' {
        { New-GitHubOidcTrustPolicy -Provider Aws -Subject $script:sub -AwsAccountId 123 } | Should -Throw
        { [pscustomobject]@{ Name = 'x' } | New-GitHubOidcTrustPolicy -Provider Aws -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }

    It 'has help with examples' {
        $help = Get-Help New-GitHubOidcTrustPolicy -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'Gcp: a subject over 127 bytes maps google.subject from the IDs, keeps the exact sub check, and warns' {
        $long = 'repo:octocat-inc@190003045/infra-deploy@812345678:environment:production-eu-west-1:job_workflow_ref:' +
        'octocat-inc/shared-workflows/.github/workflows/deploy.yml@refs/heads/main'
        [Text.Encoding]::UTF8.GetByteCount($long) | Should -Be 173
        $json = New-GitHubOidcTrustPolicy -Provider Gcp -Subject $long -WarningVariable warned -WarningAction SilentlyContinue
        $p = $json | ConvertFrom-Json
        $p.attributeMapping.'google.subject' | Should -Be "assertion.repository_owner_id + '/' + assertion.repository_id"
        $p.attributeCondition | Should -Be "assertion.sub == '$long'"
        "$warned" | Should -Match '127-byte'
        $r = Test-GitHubOidcTrustPolicy -Provider Gcp -Policy $json -Subject $long
        $r.Allowed | Should -BeTrue -Because ($r.Reasons.Text -join '; ')
    }

    It 'New then Test: every provider admits the subject it was written for' -ForEach @(
        @{ Provider = 'Aws' }, @{ Provider = 'Azure' }, @{ Provider = 'Gcp' }, @{ Provider = 'Vault' }
    ) {
        $subjects = @(
            'repo:octo-org/octo-repo:ref:refs/heads/main'
            'repo:octo-org@100/octo-repo@200:pull_request'
            'repo:octo-org@100/octo-repo@200:environment:Production'
            ('repo:octo-org@100/octo-repo@200:ref:refs/heads/' + ('feature/' * 20) + 'x')
        )
        foreach ($subject in $subjects) {
            $documents = @(New-GitHubOidcTrustPolicy -Provider $Provider -Subject $subject -WarningAction SilentlyContinue)
            $policy = if ($Provider -eq 'Azure') { '[' + ($documents -join ',') + ']' } else { $documents -join "`n" }
            $r = Test-GitHubOidcTrustPolicy -Provider $Provider -Policy $policy -Subject $subject -Claim @{ repository_owner_id = '100'; repository_id = '200' } -WarningAction SilentlyContinue
            $r.Allowed | Should -BeTrue -Because "$Provider $subject : $($r.Reasons.Text -join '; ')"
        }
    }

    It 'warns where a provider limit cannot be met, refuses where the provider would' {
        $many = 1..21 | ForEach-Object { "repo:octo-org/repository-$($_):ref:refs/heads/main" }
        $null = New-GitHubOidcTrustPolicy -Provider Azure -Subject $many -WarningVariable warned -WarningAction SilentlyContinue
        "$warned" | Should -Match 'at most 20'
        $lots = 1..120 | ForEach-Object { "repo:octo-org/repository-$($_):ref:refs/heads/main" }
        { New-GitHubOidcTrustPolicy -Provider Gcp -Subject $lots -ErrorAction Stop } | Should -Throw '*4096*'
    }
}
