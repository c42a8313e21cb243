#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# GitHub App authentication against the fake GitHub server: a context with ClientId/AppId and a
# private key (PEM text, SecureString or file) instead of a token. The App's RSA key is made at
# run time; the fake verifies the App JWT with its public half. Token requests, lookups and the
# token each request used are asserted on the fake's request log.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:savedEnvironment = @{}
    foreach ($name in 'GH_HOST', 'GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN') {
        $script:savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub
    $script:base = $script:fake.BaseUrl

    $script:rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $script:privatePem = $script:rsa.ExportRSAPrivateKeyPem()
    $script:publicPem = $script:rsa.ExportSubjectPublicKeyInfoPem()
    $script:otherRsa = [System.Security.Cryptography.RSA]::Create(2048)
    $script:otherPem = $script:otherRsa.ExportRSAPrivateKeyPem()
    # Pieces of the keys' base64 body that must never be shown.
    $script:keyFragments = @($script:privatePem, $script:otherPem | ForEach-Object {
            ($_ -split "`n" | Where-Object { $_ -notmatch '-----' })[3].Trim()
        })
    $script:nextAppId = 3000 + (Get-Random -Maximum 1000) * 10

    function Register-FakeApp {
        # Registers a new App (a new app ID each time: installation tokens are cached per process).
        param([int] $Lifetime = 3600, [string] $Shape = 'opaque')
        $id = $script:nextAppId++
        $app = [ordered]@{
            app_id              = $id
            client_id           = "Iv23liPester$id"
            public_key_pem      = $script:publicPem
            installations       = @{ 'octo-org' = 9001; 'custom-org' = 9002 }
            token_lifetime_secs = $Lifetime
            token_shape         = $Shape
        }
        $null = Invoke-RestMethod -Method Post -Uri "$script:base/_fake/apps" -Body ($app | ConvertTo-Json) -ContentType 'application/json'
        [pscustomobject]@{ AppId = $id; ClientId = $app.client_id }
    }

    function New-AppContext {
        # A context for the App: client ID and PEM text, unless -Extra says otherwise.
        param($App, [hashtable] $Extra = @{})
        $context = @{
            HostName        = 'github.com'
            ApiBaseUri      = $script:base
            IssuerUri       = $script:base
            ClientId        = $App.ClientId
            PrivateKey      = $script:privatePem
            MaxRetryWaitSec = 2
        }
        foreach ($key in $Extra.Keys) {
            if ($null -eq $Extra[$key]) { $context.Remove($key) } else { $context[$key] = $Extra[$key] }
        }
        $context
    }

    function Get-TokenRequest {
        @(Get-FakeRequests -Fake $script:fake -Method POST -PathLike '/app/installations/*/access_tokens')
    }

    function Get-IssuedToken {
        # The values of every token the fake issued (to look for them in output).
        @((Invoke-RestMethod -Uri "$script:base/_fake/apps").tokens | ForEach-Object value)
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
    foreach ($name in $script:savedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $script:savedEnvironment[$name])
    }
}

Describe 'GitHub App authentication' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        Clear-GitHubOidcTestEnvironment
    }

    It 'reads and writes with a client ID and PEM text; one lookup and one token for the owner' {
        $app = Register-FakeApp
        $context = New-AppContext -App $app
        $org = Get-GitHubOidcSubjectClaim -Owner octo-org -Context $context
        $org.Owner | Should -Be 'octo-org'
        (Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $context).UseDefault | Should -BeTrue
        Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context -Confirm:$false -Context $context

        $puts = @(Get-FakeRequests -Fake $script:fake -Method PUT)
        $puts.Count | Should -Be 1
        $puts[0].path | Should -Be '/repos/octo-org/octo-repo/actions/oidc/customization/sub'
        $puts[0].body.include_claim_keys | Should -Be @('repo', 'context')
        $puts[0].headers.authorization | Should -Be 'Bearer [REDACTED] installation token #1'
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '*/installation').path | Should -Be @('/orgs/octo-org/installation')
        $tokens = Get-TokenRequest
        $tokens.Count | Should -Be 1
        $tokens[0].path | Should -Be '/app/installations/9001/access_tokens'
        $tokens[0].headers.authorization | Should -Be 'Bearer [REDACTED]'
    }

    It 'works with <Name>' -ForEach @(
        @{ Name = 'a SecureString key'; Form = 'SecureString' }
        @{ Name = 'a key file given by a relative path'; Form = 'Path' }
        @{ Name = 'the app ID instead of the client ID'; Form = 'AppId' }
        @{ Name = 'a given installation ID (no lookup)'; Form = 'InstallationId' }
    ) {
        $app = Register-FakeApp
        $extra = switch ($Form) {
            'SecureString' { @{ PrivateKey = ConvertTo-SecureString -String $script:privatePem -AsPlainText -Force } }
            'Path' {
                Set-Content -LiteralPath (Join-Path $TestDrive 'app.pem') -Value $script:privatePem
                @{ PrivateKey = $null; PrivateKeyPath = './app.pem' }
            }
            'AppId' { @{ ClientId = $null; AppId = $app.AppId } }
            'InstallationId' { @{ InstallationId = 9002 } }
        }
        $context = New-AppContext -App $app -Extra $extra
        Push-Location -LiteralPath $TestDrive
        try {
            (Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context).IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
            Set-GitHubOidcSubjectClaim -Owner custom-org -IncludeClaimKeys repo, context -Confirm:$false -Context $context
        } finally {
            Pop-Location
        }
        $put = @(Get-FakeRequests -Fake $script:fake -Method PUT)
        $put.Count | Should -Be 1
        $put[0].path | Should -Be '/orgs/custom-org/actions/oidc/customization/sub'
        $put[0].body.include_claim_keys | Should -Be @('repo', 'context')
        (Get-TokenRequest).Count | Should -Be 1
        (Get-TokenRequest)[0].path | Should -Be '/app/installations/9002/access_tokens'
        $lookups = @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '*/installation')
        $lookups.Count | Should -Be ($Form -eq 'InstallationId' ? 0 : 1)
    }

    It 'reads no token variable: GH_TOKEN is ignored by an App context' {
        $env:GH_TOKEN = 'test-read-token'
        $app = Register-FakeApp
        Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, context -Confirm:$false -Context (New-AppContext -App $app)
        $put = @(Get-FakeRequests -Fake $script:fake -Method PUT)
        $put.Count | Should -Be 1 -Because 'the read token of GH_TOKEN would have been refused with 403'
        $put[0].headers.authorization | Should -BeLike 'Bearer `[REDACTED`] installation token #*'
        (Get-FakeRequests -Fake $script:fake | Where-Object { $_.headers.authorization -like '*test-read-token*' }) | Should -BeNullOrEmpty
    }

    It 'makes one token request for many commands in a session' {
        $app = Register-FakeApp
        $context = New-AppContext -App $app
        foreach ($i in 1..10) {
            $null = Get-GitHubOidcSubjectClaim -Owner octo-org -Context $context
            $null = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $context
            $null = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository new-repo -Context $context
        }
        $null = Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Branch main -Context $context
        Set-GitHubOidcSubjectClaim -Owner octo-org -Repository new-repo -UseDefault:$false -Confirm:$false -Context $context
        (Get-TokenRequest).Count | Should -Be 1
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '*/installation').Count | Should -Be 1
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '*/customization/sub').Count | Should -BeGreaterOrEqual 30
    }

    It 'renews a token when it nears its expiry' {
        # Lives 4 s: renewed a quarter of its life (1 s) before it expires.
        $app = Register-FakeApp -Lifetime 4
        $context = New-AppContext -App $app
        $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
        $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
        (Get-TokenRequest).Count | Should -Be 1
        Start-Sleep -Milliseconds 3300
        $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
        (Get-TokenRequest).Count | Should -Be 2
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '*/customization/sub')[-1].headers.authorization |
            Should -Be 'Bearer [REDACTED] installation token #2'
    }

    It 'renews a revoked token once and retries the request with the new one' {
        $app = Register-FakeApp -Shape jwt
        $context = New-AppContext -App $app
        $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
        $revoked = Invoke-RestMethod -Method Post -Uri "$script:base/_fake/apps/$($app.AppId)/revoke"
        $revoked.revoked | Should -Be 1
        Clear-FakeRequests -Fake $script:fake
        Set-GitHubOidcSubjectClaim -Owner custom-org -IncludeClaimKeys repo, context -Confirm:$false -Context $context
        $log = @(Get-FakeRequests -Fake $script:fake | Where-Object path -NotLike '*/.well-known/*')
        $shown = @($log | ForEach-Object { "$($_.method) $($_.path) $($_.headers.authorization)" })
        # The write's dry run reads nothing for an organization: the PUT is the first request.
        $shown | Should -Be @(
            'PUT /orgs/custom-org/actions/oidc/customization/sub Bearer [REDACTED] installation token #1'
            'POST /app/installations/9002/access_tokens Bearer [REDACTED]'
            'PUT /orgs/custom-org/actions/oidc/customization/sub Bearer [REDACTED] installation token #2'
        )
        (Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context).IncludeClaimKeys | Should -Be @('repo', 'context')
    }

    It 'refuses <Name> with a clear error' -ForEach @(
        @{ Name = 'a key that is not PEM'; Extra = @{ PrivateKey = 'not a key at all' }; Id = 'GitHubOidc.InvalidArgument'; Text = 'is not a PEM private key' }
        @{ Name = 'a public key'; Extra = @{ PrivateKey = 'PUBLIC' }; Id = 'GitHubOidc.InvalidArgument'; Text = 'PUBLIC KEY, not a private key' }
        @{ Name = 'a damaged key'; Extra = @{ PrivateKey = "-----BEGIN RSA PRIVATE KEY-----`nMIIB`n-----END RSA PRIVATE KEY-----" }; Id = 'GitHubOidc.InvalidArgument'; Text = 'not a valid RSA private key' }
        @{ Name = 'a missing key file'; Extra = @{ PrivateKey = $null; PrivateKeyPath = '/no/such/app.pem' }; Id = 'GitHubOidc.InvalidArgument'; Text = "'/no/such/app.pem' cannot be read" }
        @{ Name = 'a token and a key together'; Extra = @{ Token = 'test-admin-token' }; Id = 'GitHubOidc.InvalidArgument'; Text = 'both a Token and a GitHub App' }
        @{ Name = 'a key without an ID'; Extra = @{ ClientId = $null }; Id = 'GitHubOidc.InvalidArgument'; Text = 'ClientId (recommended) or AppId' }
        @{ Name = 'the wrong key'; Extra = @{ PrivateKey = 'OTHER' }; Id = 'GitHubOidc.Unauthorized'; Text = 'GitHub refused the GitHub App with client ID' }
        @{ Name = 'an App that is not installed'; Extra = @{}; Owner = 'immutable-org'; Id = 'GitHubOidc.Unauthorized'; Text = 'is not installed on immutable-org' }
    ) {
        $app = Register-FakeApp
        $given = @{}
        foreach ($key in $Extra.Keys) {
            $given[$key] = switch ($Extra[$key]) {
                'PUBLIC' { $script:publicPem }
                'OTHER' { $script:otherPem }
                default { $_ }
            }
        }
        $owner = if ($Owner) { $Owner } else { 'custom-org' }
        # A context that cannot be used is the command's terminating error; a refusal from
        # GitHub is a per-item error.
        $err = $null
        try {
            Get-GitHubOidcSubjectClaim -Owner $owner -Context (New-AppContext -App $app -Extra $given) -ErrorVariable err -ErrorAction SilentlyContinue
        } catch {
            $err = @($_)
        }
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        $err[0].Exception.Message | Should -BeLike "*$Text*"
        (Get-TokenRequest).Count | Should -Be 0
    }

    It 'shows no key, JWT or token on any stream, also with JWT-shaped tokens and failures' {
        $app = Register-FakeApp -Shape jwt
        $opaqueApp = Register-FakeApp
        $good = New-AppContext -App $app
        $secure = New-AppContext -App $opaqueApp -Extra @{ PrivateKey = ConvertTo-SecureString -String $script:privatePem -AsPlainText -Force }
        $wrong = New-AppContext -App $app -Extra @{ PrivateKey = $script:otherPem }
        $garbage = New-AppContext -App $app -Extra @{ PrivateKey = "-----BEGIN RSA PRIVATE KEY-----`n$($script:keyFragments[0])`n-----END RSA PRIVATE KEY-----" }
        $Error.Clear()
        $DebugPreference = 'Continue'
        $captured = & {
            # Each failure is one record here, not the end of the block: the compiled
            # Get-GitHubOidcSubjectClaim honours its caller's $ErrorActionPreference (Stop in tests).
            $ErrorActionPreference = 'Continue'
            Get-GitHubOidcSubjectClaim -Owner custom-org -Context $good -Verbose -Debug
            Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $secure -Verbose -Debug
            Set-GitHubOidcSubjectClaim -Owner custom-org -IncludeClaimKeys repo, context -Confirm:$false -Context $good -PassThru -Verbose -Debug
            Set-GitHubOidcSubjectClaim -Owner custom-org -IncludeClaimKeys repo, context -Context $good -WhatIf -Verbose -Debug
            $null = Invoke-RestMethod -Method Post -Uri "$script:base/_fake/apps/$($app.AppId)/revoke"
            Get-GitHubOidcSubjectClaim -Owner custom-org -Context $good -Verbose -Debug
            Get-GitHubOidcSubjectClaim -Owner custom-org -Context $wrong -Verbose -Debug
            try { Get-GitHubOidcSubjectClaim -Owner custom-org -Context $garbage -Verbose -Debug } catch { $_ }
            Get-GitHubOidcSubjectClaim -Owner immutable-org -Context $good -Verbose -Debug
            Get-GitHubOidcContext -Context $good -Verbose -Debug | Format-List | Out-String
            Get-GitHubOidcContext -Context $secure -Verbose -Debug
        } *>&1
        $DebugPreference = 'SilentlyContinue'

        $streams = @($captured | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique)
        $streams | Should -Contain 'VerboseRecord'
        $streams | Should -Contain 'DebugRecord'
        $streams | Should -Contain 'ErrorRecord'
        $issued = @(Get-IssuedToken)
        $issued.Count | Should -BeGreaterOrEqual 3
        ($issued | Where-Object Length -GT 500).Count | Should -BeGreaterOrEqual 2 -Because 'the JWT-shaped tokens are ~520 characters'

        $text = ($captured | Out-String -Width 2000) + ($captured | Format-List * -Force | Out-String -Width 2000)
        $errorText = ($Error | Out-String -Width 2000) + ($Error | Format-List * -Force | Out-String -Width 2000) +
        ($Error | ForEach-Object { "$($_.TargetObject) $($_.Exception.Message) $($_.ErrorDetails.Message) $($_.ErrorDetails.RecommendedAction)" } | Out-String)
        foreach ($secret in @($issued) + @($script:keyFragments) + @('-----BEGIN', 'eyJ', ('gh' + 's_'))) {
            $text.Contains($secret) | Should -BeFalse -Because "'$($secret.Substring(0, [Math]::Min(12, $secret.Length)))...' must not appear in any stream"
            $errorText.Contains($secret) | Should -BeFalse -Because "'$($secret.Substring(0, [Math]::Min(12, $secret.Length)))...' must not appear in `$Error"
        }
    }

    It 'Get-GitHubOidcContext shows the App, not its key' {
        $app = Register-FakeApp
        Set-Content -LiteralPath (Join-Path $TestDrive 'shown.pem') -Value $script:privatePem
        $env:GH_TOKEN = 'test-read-token'
        $shown = Get-GitHubOidcContext -Context (New-AppContext -App $app -Extra @{ PrivateKey = $null; PrivateKeyPath = (Join-Path $TestDrive 'shown.pem'); InstallationId = 9001 })
        $shown.HasToken | Should -BeFalse
        $shown.TokenSource | Should -Be 'GitHubApp'
        $shown.App.ClientId | Should -Be $app.ClientId
        $shown.App.Issuer | Should -Be $app.ClientId
        $shown.App.InstallationId | Should -Be 9001
        $shown.App.KeySource | Should -Be 'PrivateKeyPath'
        $shown.App.PrivateKeyPath | Should -Be (Join-Path $TestDrive 'shown.pem')
        $byId = Get-GitHubOidcContext -Context (New-AppContext -App $app -Extra @{ ClientId = $null; AppId = $app.AppId })
        $byId.App.AppId | Should -Be $app.AppId
        $byId.App.Issuer | Should -Be "$($app.AppId)"
        $byId.App.KeySource | Should -Be 'PrivateKey'
        $byId.App.InstallationId | Should -BeNullOrEmpty
        $list = $shown, $byId | Format-List | Out-String -Width 500
        $list | Should -Match 'client ID Iv23liPester'
        $list | Should -Match 'app ID \d+, installation looked up per owner, key from PrivateKey'
        foreach ($fragment in $script:keyFragments[0], '-----BEGIN', 'test-read-token') {
            $list.Contains($fragment) | Should -BeFalse
        }
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0 -Because 'no request is made'
    }

    It 'runs a whole fleet inventory and its desired-state sync as the App with one token request' {
        $app = Register-FakeApp
        # Installations are registered by login; the generated organization gets one too.
        $null = Invoke-RestMethod -Method Post -Uri "$script:base/_fake/orgs" -ContentType 'application/json' `
            -Body (@{ org = 'octo-fleet'; id = 4242; count = 250; seed = 5; own_template_every = 7; opted_in_every = 5 } | ConvertTo-Json)
        # github.com's next links name the organization by ID (/organizations/{id}/repos?page=N):
        # the run acts for octo-fleet on every page whatever the URL looks like.
        $null = Invoke-RestMethod -Method Put -Uri "$script:base/_fake/shapes" -ContentType 'application/json' `
            -Body (@{ link_ids = $true; inherited_keys_listed = $true } | ConvertTo-Json)
        $fleetApp = [ordered]@{
            app_id = $app.AppId; client_id = $app.ClientId; public_key_pem = $script:publicPem
            installations = @{ 'octo-fleet' = 9100 }; token_lifetime_secs = 3600; token_shape = 'jwt'
        }
        $null = Invoke-RestMethod -Method Post -Uri "$script:base/_fake/apps" -Body ($fleetApp | ConvertTo-Json) -ContentType 'application/json'
        $context = New-AppContext -App $app

        $states = @(Get-GitHubOidcRepository -Owner octo-fleet -ThrottleLimit 8 -Context $context -ErrorVariable failures *>&1)
        @($states | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -HaveCount 0
        @($states | Where-Object Repository).Count | Should -Be 250
        $failures | Should -HaveCount 0
        $pages = @(Get-FakeRequests -Fake $script:fake -Method GET | Where-Object { $_.path -like '*/repos' })
        $pages.path | Should -Be @('/orgs/octo-fleet/repos', '/organizations/4242/repos', '/organizations/4242/repos') -Because 'pages 2 and 3 come from GitHub''s ID-form links'

        $tokens = @(Get-TokenRequest)
        $tokens.Count | Should -Be 1 -Because 'a run over many repositories makes one token request'
        $tokens[0].path | Should -Be '/app/installations/9100/access_tokens'
        $api = @(Get-FakeRequests -Fake $script:fake -Method GET | Where-Object { ($_.path -like '/repos/*' -or $_.path -like '/orgs/octo-fleet/*') -and $_.path -notlike '*/installation' })
        $api.Count | Should -BeGreaterThan 250
        @($api | Where-Object { $_.headers.authorization -ne 'Bearer [REDACTED] installation token #1' }) | Should -HaveCount 0

        # The same App drives a sync: the token is reused, and the write is on the log.
        $path = Join-Path $TestDrive 'fleet.json'
        Export-GitHubOidcConfiguration -Owner octo-fleet -Path $path -Context $context
        $doc = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json -AsHashtable
        $doc['Organization'] = @{ IncludeClaimKeys = @('repo', 'context', 'job_workflow_ref') }
        $doc | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $path
        $results = @(Sync-GitHubOidcConfiguration -Path $path -Confirm:$false -WriteInterval 0 -Context $context)
        $results.Status | Should -Be @('Applied')
        $puts = @(Get-FakeRequests -Fake $script:fake -Method PUT)
        $puts.Count | Should -Be 1
        $puts[0].path | Should -Be '/orgs/octo-fleet/actions/oidc/customization/sub'
        $puts[0].headers.authorization | Should -Be 'Bearer [REDACTED] installation token #1'
        @(Get-TokenRequest).Count | Should -Be 1
        $issued = Get-IssuedToken
        foreach ($token in $issued) {
            ($states | Out-String -Width 4000).Contains($token) | Should -BeFalse
        }
    }
}
