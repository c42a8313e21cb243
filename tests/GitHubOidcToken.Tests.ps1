#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# ConvertFrom-GitHubOidcToken (unverified decoding) and Test-GitHubOidcToken (verification against
# the fake GitHub's discovery + JWKS) with tokens signed by the test key (tests/TestTokens.ps1).

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/TestTokens.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub
    # Verification needs no GitHub token: the context only names the issuer.
    $script:ctx = @{ HostName = 'github.com'; ApiBaseUri = $script:fake.BaseUrl; IssuerUri = $script:fake.BaseUrl }
    $script:iss = $script:fake.BaseUrl
    $script:aud = 'https://github.com/octo-org'
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'ConvertFrom-GitHubOidcToken' {
    It 'decodes header and claims and says they are unverified' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer 'https://token.actions.githubusercontent.com')
        $t = ConvertFrom-GitHubOidcToken -Token $jwt
        $t.PSObject.TypeNames | Should -Contain 'GitHubOidc.Token'
        $t.Verified | Should -BeFalse
        $t.Warning | Should -Match 'UNVERIFIED'
        $t.Header.alg | Should -Be 'RS256'
        $t.Header.kid | Should -Be 'test-key-1'
        $t.Claims.repository | Should -Be 'octo-org/octo-repo'
        $t.Subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $t.Issuer | Should -Be 'https://token.actions.githubusercontent.com'
        $t.ExpiresAt | Should -BeOfType [datetime]
        $t.ExpiresAt | Should -BeGreaterThan ([datetime]::UtcNow)
    }

    It 'takes tokens from the pipeline and makes no request' {
        Clear-FakeRequests -Fake $script:fake
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss)
        @($jwt, $jwt | ConvertFrom-GitHubOidcToken).Count | Should -Be 2
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
    }

    It 'a malformed token is an InvalidArgument error' {
        { ConvertFrom-GitHubOidcToken -Token 'not-a-token' -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }
}

Describe 'Test-GitHubOidcToken' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    It 'accepts a valid token' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss)
        $v = Test-GitHubOidcToken -Token $jwt -Audience $script:aud -Context $script:ctx
        $v.PSObject.TypeNames | Should -Contain 'GitHubOidc.TokenVerification'
        $v.Failures | Should -BeNullOrEmpty
        $v.Valid | Should -BeTrue
        $v.Issuer | Should -Be $script:iss
        $v.EnterpriseScoped | Should -BeFalse
        $v.Claims.repository | Should -Be 'octo-org/octo-repo'
        ($v.Checks | Where-Object Name -EQ 'signature').Passed | Should -BeTrue
        ($v.Checks | Where-Object Name -EQ 'audience').Passed | Should -BeTrue
        $v.JwksUri | Should -Be "$($script:iss)/.well-known/jwks"
    }

    It 'caches discovery and keys per issuer' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss)
        $null = Test-GitHubOidcToken -Token $jwt -Context $script:ctx -WarningAction SilentlyContinue
        Clear-FakeRequests -Fake $script:fake
        (Test-GitHubOidcToken -Token $jwt -Context $script:ctx -WarningAction SilentlyContinue).Valid | Should -BeTrue
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
    }

    It 'warns when no audience is given' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss)
        $v = Test-GitHubOidcToken -Token $jwt -Context $script:ctx -WarningVariable w -WarningAction SilentlyContinue
        $v.Valid | Should -BeTrue
        "$w" | Should -Match 'audience'
    }

    It 'rejects an expired token' {
        $now = [System.DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $claims = New-TestClaimSet -Issuer $script:iss -Override @{ exp = $now - 3600; iat = $now - 4000; nbf = $now - 4000 }
        $v = Test-GitHubOidcToken -Token (New-TestIdToken -Claims $claims) -Audience $script:aud -Context $script:ctx
        $v.Valid | Should -BeFalse
        @($v.Failures).Count | Should -Be 1
        $v.Failures[0] | Should -Match 'expired'
        ($v.Checks | Where-Object Name -EQ 'expiry').Passed | Should -BeFalse
    }

    It 'accepts a token that expired within the clock skew' {
        $now = [System.DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $claims = New-TestClaimSet -Issuer $script:iss -Override @{ exp = $now - 20 }
        (Test-GitHubOidcToken -Token (New-TestIdToken -Claims $claims) -Audience $script:aud -Context $script:ctx).Valid | Should -BeTrue
    }

    It 'rejects a wrong audience' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss)
        $v = Test-GitHubOidcToken -Token $jwt -Audience 'sts.amazonaws.com' -Context $script:ctx
        $v.Valid | Should -BeFalse
        @($v.Failures).Count | Should -Be 1
        $v.Failures[0] | Should -Match 'sts\.amazonaws\.com'
        ($v.Checks | Where-Object Name -EQ 'audience').Passed | Should -BeFalse
    }

    It 'rejects a token signed by an unknown key, after reading the keys again' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss) -Kid 'rotated-key' -UnknownKey
        $v = Test-GitHubOidcToken -Token $jwt -Audience $script:aud -Context $script:ctx
        $v.Valid | Should -BeFalse
        $v.KeysRefreshed | Should -BeTrue
        ($v.Checks | Where-Object Name -EQ 'key').Passed | Should -BeFalse
        ($v.Failures -join ' ') | Should -Match 'rotated-key'
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '/.well-known/jwks').Count | Should -BeGreaterOrEqual 1
    }

    It 'rejects a token signed with an unknown key under a known kid (bad signature)' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss) -UnknownKey
        $v = Test-GitHubOidcToken -Token $jwt -Audience $script:aud -Context $script:ctx
        $v.Valid | Should -BeFalse
        ($v.Checks | Where-Object Name -EQ 'signature').Passed | Should -BeFalse
    }

    It 'rejects a tampered payload' {
        $claims = New-TestClaimSet -Issuer $script:iss
        $jwt = New-TestIdToken -Claims $claims
        $claims['ref'] = 'refs/heads/evil'
        $claims['sub'] = 'repo:octo-org/octo-repo:ref:refs/heads/evil'
        $v = Test-GitHubOidcToken -Token (Edit-TestIdTokenPayload -Token $jwt -Claims $claims) -Audience $script:aud -Context $script:ctx
        $v.Valid | Should -BeFalse
        @($v.Failures).Count | Should -Be 1
        $v.Failures[0] | Should -Match 'signature'
        $v.Claims.ref | Should -Be 'refs/heads/evil'
    }

    It 'rejects an issuer that is not allowed, without fetching its keys' {
        Clear-FakeRequests -Fake $script:fake
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer 'https://token.actions.githubusercontent.com')
        $v = Test-GitHubOidcToken -Token $jwt -Audience $script:aud -Context $script:ctx
        $v.Valid | Should -BeFalse
        ($v.Checks | Where-Object Name -EQ 'issuer').Passed | Should -BeFalse
        ($v.Failures -join ' ') | Should -Match 'not allowed'
        $v.JwksUri | Should -BeNullOrEmpty
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
    }

    It 'handles an enterprise-scoped token: valid, flagged, with a plain statement about relying parties' {
        $claims = New-TestClaimSet -Issuer "$($script:iss)/octocat-inc" -Override @{ enterprise = 'octocat-inc'; enterprise_id = '123' }
        $v = Test-GitHubOidcToken -Token (New-TestIdToken -Claims $claims) -Audience $script:aud -Context $script:ctx -WarningVariable w -WarningAction SilentlyContinue
        $v.Failures | Should -BeNullOrEmpty
        $v.Valid | Should -BeTrue
        $v.EnterpriseScoped | Should -BeTrue
        ($v.Warnings -join ' ') | Should -Match 'will reject it'
        "$w" | Should -Match 'enterprise-scoped'
        ($v.Checks | Where-Object Name -EQ 'enterprise').Passed | Should -BeTrue
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '/octocat-inc/.well-known/*').Count | Should -Be 2
    }

    It 'an enterprise-scoped token whose enterprise claim differs fails that check' {
        $claims = New-TestClaimSet -Issuer "$($script:iss)/octocat-inc" -Override @{ enterprise = 'someone-else' }
        $v = Test-GitHubOidcToken -Token (New-TestIdToken -Claims $claims) -Audience $script:aud -Context $script:ctx -WarningAction SilentlyContinue
        $v.Valid | Should -BeFalse
        ($v.Checks | Where-Object Name -EQ 'enterprise').Passed | Should -BeFalse
    }

    It '-Enterprise allows only that enterprise''s issuer' {
        Clear-FakeRequests -Fake $script:fake
        $claims = New-TestClaimSet -Issuer "$($script:iss)/octocat-inc" -Override @{ enterprise = 'octocat-inc' }
        $jwt = New-TestIdToken -Claims $claims
        (Test-GitHubOidcToken -Token $jwt -Enterprise octocat-inc -Audience $script:aud -Context $script:ctx -WarningAction SilentlyContinue).Valid | Should -BeTrue
        Clear-FakeRequests -Fake $script:fake
        $v = Test-GitHubOidcToken -Token $jwt -Enterprise other-ent -Audience $script:aud -Context $script:ctx -WarningAction SilentlyContinue
        $v.Valid | Should -BeFalse
        ($v.Checks | Where-Object Name -EQ 'issuer').Passed | Should -BeFalse
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
    }

    It 'accepts a GHES-style issuer (/_services/token) for a GHES context' {
        $ghes = "$($script:iss)/_services/token"
        $ctx = @{ HostName = 'github.example.com'; ApiBaseUri = "$($script:iss)/api/v3"; IssuerUri = $ghes }
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $ghes -Audience 'https://github.example.com/octo-org')
        $v = Test-GitHubOidcToken -Token $jwt -Audience 'https://github.example.com/octo-org' -Context $ctx
        $v.Failures | Should -BeNullOrEmpty
        $v.Valid | Should -BeTrue
        $v.JwksUri | Should -Be "$ghes/.well-known/jwks"
    }

    It 'takes tokens from the pipeline; a malformed one is an error' {
        $jwt = New-TestIdToken -Claims (New-TestClaimSet -Issuer $script:iss)
        ($jwt | Test-GitHubOidcToken -Audience $script:aud -Context $script:ctx).Valid | Should -BeTrue
        { Test-GitHubOidcToken -Token 'x.y' -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }
}

Describe 'Token command help' {
    It '<Name> has a synopsis, a description and examples' -ForEach @(
        @{ Name = 'ConvertFrom-GitHubOidcToken' }
        @{ Name = 'Test-GitHubOidcToken' }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.description | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
}
