#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Inside GitHub Actions (issue 18): Get-GitHubOidcToken against the fake's runner ID-token endpoint
# (/_apis/.../idtoken, bearer RUNNER_REQUEST_TOKEN, signed with the key of the fake's JWKS), with
# runner-like environment variables set in this pwsh; piping the token into
# Test-GitHubOidcTrustPolicy and Resolve-GitHubOidcSubject; Out-GitHubOidcStepSummary's Markdown
# and annotations; the composite action's script run end to end.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub
    # crates/fake_github/src/runner.rs RUNNER_REQUEST_TOKEN
    $script:requestToken = 'fake-actions-id-token-request-token-5f2c9a'
    $script:runnerPath = '/_apis/pipelines/1/runs/7/idtoken'
    $script:ctx = @{ HostName = 'github.com'; ApiBaseUri = $script:fake.BaseUrl; IssuerUri = $script:fake.BaseUrl; Token = 'test-admin-token'; MaxRetries = 2; MaxRetryWaitSec = 2 }
    $script:runnerVariables = 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT'

    function script:Set-RunnerEnvironment {
        param([string] $Query = '?api-version=2.0', [AllowNull()] [string] $RequestToken = $script:requestToken, [switch] $NoUrl)
        if ($NoUrl) { Remove-Item Env:ACTIONS_ID_TOKEN_REQUEST_URL -ErrorAction Ignore } else {
            $env:ACTIONS_ID_TOKEN_REQUEST_URL = "$($script:fake.BaseUrl)$($script:runnerPath)$Query"
        }
        if ($RequestToken) { $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $RequestToken } else { Remove-Item Env:ACTIONS_ID_TOKEN_REQUEST_TOKEN -ErrorAction Ignore }
    }

    function script:Get-RunnerRequests {
        @(Get-FakeRequests -Fake $script:fake | Where-Object { $_.path -eq $script:runnerPath })
    }

    function script:Get-RawToken {
        param([Parameter(Mandatory)] $Token)
        ConvertFrom-SecureString -SecureString $Token.IdToken -AsPlainText
    }

    function script:Assert-NoSecret {
        # Neither the request token nor (when given) the JWT in any text.
        param([AllowNull()] [object[]] $Records, [string] $Jwt)
        $text = (@($Records) | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { "$_ $($_.Exception.Message) $($_.ErrorDetails) $($_.TargetObject)" }
                else { ($_ | Out-String -Width 10000) + ($_ | Format-List * -Force | Out-String -Width 10000) }
            }) -join "`n"
        $text | Should -Not -BeLike "*$script:requestToken*"
        if ($Jwt) {
            $text | Should -Not -BeLike "*$Jwt*"
            # Any JWT-shaped text at all (a part of it, the header).
            $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{13,}\.'
        }
    }
}

AfterAll {
    foreach ($name in $script:runnerVariables) { Remove-Item "Env:$name" -ErrorAction Ignore }
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Get-GitHubOidcToken' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        Set-RunnerEnvironment
    }

    It 'requests the job''s token with the request token and the audience after the existing query, and verifies it' {
        $t = Get-GitHubOidcToken -Audience 'sts.amazonaws.com' -Context $script:ctx
        $t.PSObject.TypeNames[0] | Should -Be 'GitHubOidc.Token'
        $t.Valid | Should -BeTrue
        $t.Verified | Should -BeTrue
        $t.Failures | Should -BeNullOrEmpty
        $t.Subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $t.Audience | Should -BeExactly 'sts.amazonaws.com'
        $t.Issuer | Should -Be $script:fake.BaseUrl
        $t.Claims.repository | Should -Be 'octo-org/octo-repo'
        $t.Header.kid | Should -Be 'test-key-1'
        $t.ExpiresAt | Should -BeOfType [datetime]
        $t.ExpiresAt | Should -BeGreaterThan ([datetime]::UtcNow)
        $t.IdToken | Should -BeOfType [securestring]

        $requests = Get-RunnerRequests
        $requests | Should -HaveCount 1
        $requests[0].method | Should -Be 'GET'
        $requests[0].query | Should -BeExactly 'api-version=2.0&audience=sts.amazonaws.com'
        # The fake answers only its request token (anything else is a 401), and logs it redacted.
        $requests[0].headers.authorization | Should -Be 'Bearer [REDACTED]'
        # Verified against the keys of the fake's JWKS.
        $t.JwksUri | Should -Be "$($script:fake.BaseUrl)/.well-known/jwks"
    }

    It 'returns the raw token only as a SecureString that is in no view' {
        $t = Get-GitHubOidcToken -Audience 'sts.amazonaws.com' -Context $script:ctx
        $jwt = Get-RawToken $t
        $jwt | Should -Match '^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
        # The SecureString is the token the runner answered: it verifies and decodes to the same claims.
        (Test-GitHubOidcToken -Token $jwt -Audience 'sts.amazonaws.com' -Context $script:ctx).Valid | Should -BeTrue
        (ConvertFrom-GitHubOidcToken -Token $jwt).Subject | Should -BeExactly $t.Subject
        ($t | Format-List * | Out-String) | Should -Not -Match 'IdToken\s*:|SecureString'
        ($t | Out-String) | Should -Not -Match 'IdToken\s*:|SecureString'
        (($t | Get-Member).Name) | Should -Not -Contain 'IdToken'
        Assert-NoSecret -Records @($t, ($t | ConvertTo-Json -Depth 5)) -Jwt $jwt
    }

    It 'puts the audience as the whole query when the URL has none' {
        Set-RunnerEnvironment -Query ''
        $t = Get-GitHubOidcToken -Audience 'api://AzureADTokenExchange' -Context $script:ctx
        $t.Audience | Should -BeExactly 'api://AzureADTokenExchange'
        (Get-RunnerRequests)[0].query | Should -BeExactly 'audience=api%3A%2F%2FAzureADTokenExchange'
    }

    It 'replaces an audience already in the URL rather than sending two' {
        Set-RunnerEnvironment -Query '?audience=old&api-version=2.0'
        $t = Get-GitHubOidcToken -Audience 'pypi' -Context $script:ctx
        $t.Audience | Should -BeExactly 'pypi'
        (Get-RunnerRequests)[0].query | Should -BeExactly 'api-version=2.0&audience=pypi'
    }

    It 'without -Audience keeps the URL and gets the runner''s default audience' {
        $t = Get-GitHubOidcToken -Context $script:ctx -WarningAction SilentlyContinue
        $t.Audience | Should -Be 'https://github.com/octo-org'
        (Get-RunnerRequests)[0].query | Should -BeExactly 'api-version=2.0'
    }

    It 'an audience the token does not carry makes it not valid' {
        $state = Invoke-RestMethod "$($script:fake.BaseUrl)/_fake/state"
        $state | Add-Member -NotePropertyName runner_claims -NotePropertyValue @{ aud = 'someone-else' } -Force
        $null = Invoke-RestMethod "$($script:fake.BaseUrl)/_fake/state" -Method Put -Body ($state | ConvertTo-Json -Depth 20) -ContentType 'application/json'
        $t = Get-GitHubOidcToken -Audience 'sts.amazonaws.com' -Context $script:ctx
        $t.Valid | Should -BeFalse
        $t.Verified | Should -BeFalse
        ($t.Failures -join ' ') | Should -Match 'aud'
        $t.Warning | Should -Match 'NOT VALID'
    }

    Context 'errors' {
        It 'outside Actions: says so and names the permission, and sends nothing' {
            Set-RunnerEnvironment -NoUrl -RequestToken $null
            $err = { Get-GitHubOidcToken -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*' -PassThru
            $err.Exception.Message | Should -Match 'not running inside a GitHub Actions job'
            $err.Exception.Message | Should -Match 'permissions: id-token: write'
            @(Get-FakeRequests -Fake $script:fake) | Should -HaveCount 0
        }

        It 'a URL without the request token names the permission and fork pull requests' {
            Set-RunnerEnvironment -RequestToken $null
            $err = { Get-GitHubOidcToken -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*' -PassThru
            $err.Exception.Message | Should -Match 'ACTIONS_ID_TOKEN_REQUEST_TOKEN is not'
            $err.Exception.Message | Should -Match 'id-token: write'
            $err.Exception.Message | Should -Match 'fork'
            Get-RunnerRequests | Should -HaveCount 0
        }

        It 'the runner''s 401 (a wrong request token) is Unauthorized, names the permission and holds no token' {
            Set-RunnerEnvironment -RequestToken 'wrong-request-token-value-1234'
            $err = { Get-GitHubOidcToken -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.Unauthorized*' -PassThru
            $err.Exception.Message | Should -Match 'runner refused the ID-token request'
            $err.Exception.Message | Should -Match 'id-token: write'
            "$err $($err.Exception.Message)" | Should -Not -Match 'wrong-request-token-value-1234'
            Get-RunnerRequests | Should -HaveCount 1
        }

        It 'the runner''s 403 is Forbidden' {
            Add-FakeFault -Fake $script:fake -Fault @{ path_prefix = '/_apis/'; status = 403; times = 1; body = '{"message":"Resource not accessible by integration"}' }
            $err = { Get-GitHubOidcToken -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.Forbidden*' -PassThru
            $err.Exception.Message | Should -Match 'Resource not accessible by integration'
            $err.Exception.Message | Should -Match 'id-token: write'
        }

        It 'a 5xx is retried, then a ServerError' {
            Add-FakeFault -Fake $script:fake -Fault @{ path_prefix = '/_apis/'; status = 500; times = 10 }
            $err = { Get-GitHubOidcToken -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.ServerError*' -PassThru
            $err.Exception.Message | Should -Match "runner's ID-token service failed"
            # MaxRetries = 2: three attempts.
            Get-RunnerRequests | Should -HaveCount 3
        }

        It 'a 503 once is retried and then succeeds' {
            Add-FakeFault -Fake $script:fake -Fault @{ path_prefix = '/_apis/'; status = 503; times = 1 }
            (Get-GitHubOidcToken -Audience 'x' -Context $script:ctx).Valid | Should -BeTrue
            Get-RunnerRequests | Should -HaveCount 2
        }

        It 'an answer that is not JSON is UnexpectedResponse' {
            Add-FakeFault -Fake $script:fake -Fault @{ path_prefix = '/_apis/'; kind = 'not_json'; status = 200; times = 1 }
            $err = { Get-GitHubOidcToken -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.UnexpectedResponse*' -PassThru
            $err.Exception.Message | Should -Match "runner's ID-token answer"
        }

        It 'JSON without a value is UnexpectedResponse' {
            Add-FakeFault -Fake $script:fake -Fault @{ path_prefix = '/_apis/'; status = 200; times = 1; body = '{"count":0}' }
            $err = { Get-GitHubOidcToken -Context $script:ctx -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.UnexpectedResponse*' -PassThru
            $err.Exception.Message | Should -Match 'no `value`'
        }
    }

    It 'writes neither token to any stream, $Error or a transcript, with -Verbose -Debug, in success and failure' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $Error.Clear()
        $null = Start-Transcript -Path $transcript
        try {
            $records = @(& {
                    $t = Get-GitHubOidcToken -Audience 'sts.amazonaws.com' -Context $script:ctx -Verbose -Debug
                    $t
                    $t | Format-List * -Force | Out-String
                    Set-RunnerEnvironment -RequestToken 'bad-request-token-but-long-enough'
                    try { Get-GitHubOidcToken -Context $script:ctx -Verbose -Debug } catch { $_ }
                    Set-RunnerEnvironment -RequestToken $null
                    try { Get-GitHubOidcToken -Context $script:ctx -Verbose -Debug } catch { $_ }
                } *>&1)
        } finally {
            $null = Stop-Transcript
        }
        Set-RunnerEnvironment
        $t = $records | Where-Object { $_.PSObject.TypeNames -contains 'GitHubOidc.Token' } | Select-Object -First 1
        $jwt = Get-RawToken $t
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 2
        Assert-NoSecret -Records ($records + @($Error)) -Jwt $jwt
        $text = Get-Content -LiteralPath $transcript -Raw
        $text | Should -Not -BeLike "*$script:requestToken*"
        $text | Should -Not -BeLike "*$jwt*"
        $text | Should -Not -BeLike '*bad-request-token-but-long-enough*'
    }
}

Describe 'the token in the pipeline' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        Set-RunnerEnvironment
    }

    It 'Test-GitHubOidcTrustPolicy uses its subject and claims: a denial names the failing condition' {
        $policy = @(
            @{ name = 'prod'; issuer = $script:fake.BaseUrl; subject = 'repo:octo-org/octo-repo:environment:prod'; audiences = @('api://AzureADTokenExchange') }
        ) | ConvertTo-Json -Depth 5 -AsArray
        $r = Get-GitHubOidcToken -Audience 'api://AzureADTokenExchange' -Context $script:ctx | Test-GitHubOidcTrustPolicy -Provider Azure -Policy $policy -Context $script:ctx
        $r.Allowed | Should -BeFalse
        $r.Subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $r.Audience | Should -Be 'api://AzureADTokenExchange'
        $reason = @($r.Reasons | Where-Object { $_.Condition -match 'subject' })[0]
        $reason.Expected | Should -Be 'repo:octo-org/octo-repo:environment:prod'
        $reason.Actual | Should -Be 'repo:octo-org/octo-repo:ref:refs/heads/main'
    }

    It 'Test-GitHubOidcTrustPolicy allows it when the policy matches the token' {
        $policy = @(
            @{ name = 'main'; issuer = $script:fake.BaseUrl; subject = 'repo:octo-org/octo-repo:ref:refs/heads/main'; audiences = @('api://AzureADTokenExchange') }
        ) | ConvertTo-Json -Depth 5 -AsArray
        $r = Get-GitHubOidcToken -Audience 'api://AzureADTokenExchange' -Context $script:ctx | Test-GitHubOidcTrustPolicy -Provider Azure -Policy $policy -Context $script:ctx
        $r.Allowed | Should -BeTrue
    }

    It 'Resolve-GitHubOidcSubject reads the live template of the token''s repository and says it predicts this sub' {
        $s = Get-GitHubOidcToken -Context $script:ctx -WarningAction SilentlyContinue | Resolve-GitHubOidcSubject -Context $script:ctx
        $s.Owner | Should -Be 'octo-org'
        $s.Repository | Should -Be 'octo-repo'
        $s.TokenSubject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $s.Matches | Should -BeTrue
        @(Get-FakeRequests -Fake $script:fake -PathLike '/repos/octo-org/octo-repo/actions/oidc/customization/sub').Count | Should -Be 1
    }

    It 'Resolve-GitHubOidcSubject says when the live template does not predict the token''s sub' {
        # The repository's template (repo, context, job_workflow_ref) is not the one the token was made with.
        $null = Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context, job_workflow_ref -Context $script:ctx -Confirm:$false
        $s = Get-GitHubOidcToken -Context $script:ctx -WarningAction SilentlyContinue | Resolve-GitHubOidcSubject -Context $script:ctx -WarningVariable warnings -WarningAction SilentlyContinue
        $s.Matches | Should -BeFalse
        $s.Subject | Should -BeLike 'repo:octo-org/octo-repo:ref:refs/heads/main:job_workflow_ref:*'
        ($warnings -join ' ') | Should -Match 'predicts'
    }
}

Describe 'the runner''s escaping (ConvertTo-GitHubOidcEscapedText)' {
    It 'escapes a workflow command''s message: % CR LF' {
        $text = "50% done`r`nnext: a,b"
        & (Get-Module GitHubOidc) { param($t) ConvertTo-GitHubOidcEscapedText $t -As Data } $text | Should -BeExactly '50%25 done%0D%0Anext: a,b'
    }

    It 'escapes a workflow command''s property: also : and ,' {
        $text = "repo:o/r,x 100%`n"
        & (Get-Module GitHubOidc) { param($t) ConvertTo-GitHubOidcEscapedText $t -As Property } $text | Should -BeExactly 'repo%3Ao/r%2Cx 100%25%0A'
    }

    It 'escapes Markdown so a value cannot end a cell, link, or open a tag' {
        $text = "a|b`n<img src=x>*_``[l](u)\#~&"
        & (Get-Module GitHubOidc) { param($t) ConvertTo-GitHubOidcEscapedText $t -As Markdown } $text |
            Should -BeExactly 'a\|b<br>&lt;img src=x&gt;\*\_\`\[l\](u)\\\#\~&amp;'
    }

    It 'an empty or missing value is empty' {
        & (Get-Module GitHubOidc) { ConvertTo-GitHubOidcEscapedText $null -As Markdown } | Should -BeExactly ''
    }
}

Describe 'Out-GitHubOidcStepSummary' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        Set-RunnerEnvironment
        $script:summary = Join-Path $TestDrive "summary-$([guid]::NewGuid().ToString('n')).md"
        $env:GITHUB_STEP_SUMMARY = $script:summary
        $env:GITHUB_ACTIONS = 'true'
        $script:denyPolicyPath = Join-Path $TestDrive 'federated-credentials.json'
        @(
            @{ name = 'prod'; issuer = $script:fake.BaseUrl; subject = 'repo:octo-org/octo-repo:environment:prod'; audiences = @('api://AzureADTokenExchange') }
        ) | ConvertTo-Json -Depth 5 -AsArray | Set-Content -LiteralPath $script:denyPolicyPath -Encoding utf8NoBOM
    }

    AfterEach {
        foreach ($name in 'GITHUB_STEP_SUMMARY', 'GITHUB_ACTIONS') { Remove-Item "Env:$name" -ErrorAction Ignore }
    }

    It 'token | Test-GitHubOidcTrustPolicy | Out-GitHubOidcStepSummary: the verdict with its reasons in the summary, an ::error annotation, no token anywhere' {
        $records = @(Get-GitHubOidcToken -Audience 'api://AzureADTokenExchange' -Context $script:ctx |
                Test-GitHubOidcTrustPolicy -Provider Azure -Path $script:denyPolicyPath -Context $script:ctx |
                Out-GitHubOidcStepSummary *>&1)
        $md = Get-Content -LiteralPath $script:summary -Raw
        $md | Should -Match '### Trust policy \(Azure\)'
        $md | Should -Match '\| repo:octo-org/octo-repo:ref:refs/heads/main \|  \| ❌ denied \|'
        $md | Should -Match '#### ❌ Denied: repo:octo-org/octo-repo:ref:refs/heads/main'
        # The failing condition with its expected and actual values.
        $md | Should -Match '\| credential prod \| subject \| equals \| repo:octo-org/octo-repo:environment:prod \| repo:octo-org/octo-repo:ref:refs/heads/main \|'
        $annotations = @($records | ForEach-Object { "$_" } | Where-Object { $_ -like '::*' })
        $annotations | Should -HaveCount 1
        $annotations[0] | Should -BeLike '::error title=Azure trust policy denies repo%3Aocto-org/octo-repo%3Aref%3Arefs/heads/main::The Azure trust policy denies the subject repo:octo-org/octo-repo:ref:refs/heads/main: credential prod: *'
        Assert-NoSecret -Records ($records + @($md)) -Jwt 'eyJ'
    }

    It 'the issue''s pipeline with AWS: Get-GitHubOidcToken -Audience sts.amazonaws.com | Test-GitHubOidcTrustPolicy -Provider Aws -Path role.json | Out-GitHubOidcStepSummary' {
        # AWS names condition keys by the issuer without https://; the fake issuer is http://127.0.0.1:PORT.
        $issuerKey = $script:fake.BaseUrl
        $role = @{ Version = '2012-10-17'; Statement = @(@{
                    Effect    = 'Allow'; Action = 'sts:AssumeRoleWithWebIdentity'
                    Principal = @{ Federated = "arn:aws:iam::123456789012:oidc-provider/$issuerKey" }
                    Condition = @{ StringEquals = @{ "${issuerKey}:aud" = 'sts.amazonaws.com'; "${issuerKey}:sub" = 'repo:octo-org/octo-repo:environment:prod' } }
                }) }
        $rolePath = Join-Path $TestDrive 'role.json'
        $role | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $rolePath -Encoding utf8NoBOM
        $records = @(Get-GitHubOidcToken -Audience sts.amazonaws.com -Context $script:ctx |
                Test-GitHubOidcTrustPolicy -Provider Aws -Path $rolePath -Context $script:ctx |
                Out-GitHubOidcStepSummary *>&1)
        $md = Get-Content -LiteralPath $script:summary -Raw
        $md | Should -Match '### Trust policy \(Aws\)'
        $md | Should -Match '#### ❌ Denied: repo:octo-org/octo-repo:ref:refs/heads/main'
        # The failing condition with both values; the audience condition held, so it is not a reason.
        $md | Should -Match '\| Statement\\\[0\\\] \| http://127\.0\.0\.1:\d+:sub \| StringEquals \| repo:octo-org/octo-repo:environment:prod \| repo:octo-org/octo-repo:ref:refs/heads/main \|'
        $md | Should -Not -Match ':aud \| StringEquals'
        @($records | ForEach-Object { "$_" } | Where-Object { $_ -like '::error title=Aws trust policy denies*' }) | Should -HaveCount 1
        Assert-NoSecret -Records ($records + @($md)) -Jwt 'eyJ'
    }

    It 'renders the token: verdict, subject, audience, claims; never the raw token' {
        $t = Get-GitHubOidcToken -Audience 'sts.amazonaws.com' -Context $script:ctx
        $out = @($t | Out-GitHubOidcStepSummary -PassThru)
        $out | Should -HaveCount 1
        $out[0].Subject | Should -Be $t.Subject
        $md = Get-Content -LiteralPath $script:summary -Raw
        $md | Should -Match '### OIDC token: repo:octo-org/octo-repo:ref:refs/heads/main'
        $md | Should -Match '\| Verdict \| ✅ valid'
        $md | Should -Match '\| Audience \(aud\) \| sts.amazonaws.com \|'
        $md | Should -Match '\| repository\\_owner\\_id \| 100 \|'
        $md | Should -Not -BeLike "*$(Get-RawToken $t)*"
        $md | Should -Not -Match 'eyJ'
    }

    It 'an invalid token is an ::error; appending keeps what the summary held' {
        Set-Content -LiteralPath $script:summary -Value 'earlier step' -NoNewline
        $state = Invoke-RestMethod "$($script:fake.BaseUrl)/_fake/state"
        $state | Add-Member -NotePropertyName runner_claims -NotePropertyValue @{ aud = 'someone-else' } -Force
        $null = Invoke-RestMethod "$($script:fake.BaseUrl)/_fake/state" -Method Put -Body ($state | ConvertTo-Json -Depth 20) -ContentType 'application/json'
        $records = @(Get-GitHubOidcToken -Audience 'sts.amazonaws.com' -Context $script:ctx | Out-GitHubOidcStepSummary 6>&1)
        $md = Get-Content -LiteralPath $script:summary -Raw
        $md | Should -BeLike 'earlier step*'
        $md | Should -Match '\| Verdict \| ❌ NOT valid \|'
        @($records | ForEach-Object { "$_" } | Where-Object { $_ -like '::error title=OIDC token not valid::*' }) | Should -HaveCount 1
    }

    It 'writes no annotation outside Actions (GITHUB_ACTIONS not true)' {
        $env:GITHUB_ACTIONS = 'false'
        $records = @(Get-GitHubOidcToken -Audience 'api://AzureADTokenExchange' -Context $script:ctx |
                Test-GitHubOidcTrustPolicy -Provider Azure -Path $script:denyPolicyPath -Context $script:ctx |
                Out-GitHubOidcStepSummary *>&1)
        @($records | Where-Object { "$_" -like '::*' }) | Should -HaveCount 0
        Get-Content -LiteralPath $script:summary -Raw | Should -Match '❌ denied'
    }

    It 'configuration differences: a table and a ::warning each; sync results: a table' {
        $desired = Join-Path $TestDrive 'octo-org.json'
        Export-GitHubOidcConfiguration -Owner octo-org -Path $desired -Context $script:ctx -Force
        $doc = Get-Content -LiteralPath $desired -Raw | ConvertFrom-Json -AsHashtable
        $doc.Organization.UseImmutableSubject = $true
        $doc | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $desired -Encoding utf8NoBOM
        $records = @(Compare-GitHubOidcConfiguration -Path $desired -Context $script:ctx | Out-GitHubOidcStepSummary 6>&1)
        $md = Get-Content -LiteralPath $script:summary -Raw
        $md | Should -Match '### Configuration differences \(1\)'
        $md | Should -Match '\| octo-org \|  \| UseImmutableSubject \| \*\(none\)\* \| True \| OptIn \|'
        @($records | ForEach-Object { "$_" } | Where-Object { $_ -like '::warning title=OIDC drift%3A octo-org::octo-org UseImmutableSubject is (none), desired True (OptIn).' }) | Should -HaveCount 1

        $null = Sync-GitHubOidcConfiguration -Path $desired -Context $script:ctx -WhatIf | Out-GitHubOidcStepSummary
        $md = Get-Content -LiteralPath $script:summary -Raw
        $md | Should -Match '### Sync'
        $md | Should -Match '\| octo-org \|  \| Skipped \| UseImmutableSubject \|'
    }

    It 'with -Title and no results (an organization without drift) says so' {
        @() | Out-GitHubOidcStepSummary -Title 'OIDC drift: octo-org'
        Get-Content -LiteralPath $script:summary -Raw | Should -Match '## OIDC drift: octo-org\s+\*No results \(for a comparison: no differences\)\.\*'
    }

    It 'repository states and subjects: one table each, in the order they came' {
        @(Get-GitHubOidcRepository -Owner octo-org -Context $script:ctx) + @(Resolve-GitHubOidcSubject -Claim @{ repository = 'o/r'; ref = 'refs/heads/main' }) |
            Out-GitHubOidcStepSummary
        $md = Get-Content -LiteralPath $script:summary -Raw
        $md | Should -Match '(?s)### Repositories.*\| octo-org/octo-repo \| .*### Subject.*\| repo:o/r:ref:refs/heads/main \|'
    }

    It 'outside Actions without -Path: a clear error and nothing written' {
        Remove-Item Env:GITHUB_STEP_SUMMARY
        $err = { 'x' | Out-GitHubOidcStepSummary -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*' -PassThru
        $err.Exception.Message | Should -Match 'GITHUB_STEP_SUMMARY is not set'
        $err.Exception.Message | Should -Match '-Path'
        Test-Path -LiteralPath $script:summary | Should -BeFalse
    }

    It '-Path writes the Markdown to a file; an object of another kind is an error' {
        Remove-Item Env:GITHUB_STEP_SUMMARY
        $file = Join-Path $TestDrive 'report.md'
        $t = Get-GitHubOidcToken -Audience 'sts.amazonaws.com' -Context $script:ctx
        $t, (Get-Date) | Out-GitHubOidcStepSummary -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        "$($errors[0])" | Should -Match 'not \[System.DateTime\]'
        Get-Content -LiteralPath $file -Raw | Should -Match '### OIDC token'
    }
}

Describe 'the composite action''s script (action/Invoke-GitHubOidcAction.ps1), run as a runner runs it' {
    BeforeAll {
        $script:actionScript = Join-Path $script:RepoRoot 'action/Invoke-GitHubOidcAction.ps1'
        function script:Invoke-ActionScript {
            # A child pwsh with this process's runner-like environment; returns its output lines and exit code.
            param([string] $Arguments)
            $base = $script:fake.BaseUrl
            $command = "& '$script:actionScript' $Arguments -ModulePath '$(Get-TestModulePath)' " +
            "-Context @{ HostName = 'github.com'; ApiBaseUri = '$base'; IssuerUri = '$base'; Token = 'test-admin-token' }"
            $lines = @(Invoke-Pwsh -NoProfile -NonInteractive -Command $command 2>&1 | ForEach-Object { "$_" })
            [pscustomobject]@{ Lines = $lines; ExitCode = $LASTEXITCODE; Text = $lines -join "`n" }
        }
        function script:Read-ActionOutput {
            # The NAME<<DELIMITER blocks of a GITHUB_OUTPUT file, as a hashtable.
            param([string] $Path)
            $outputs = @{}
            $lines = @(Get-Content -LiteralPath $Path)
            for ($i = 0; $i -lt $lines.Count; $i++) {
                if ($lines[$i] -match '^([A-Za-z_-]+)<<(ghadelimiter_[0-9a-f]{32})$') {
                    $name, $delimiter = $Matches[1], $Matches[2]
                    $value = [System.Collections.Generic.List[string]]::new()
                    for ($i++; $lines[$i] -ne $delimiter; $i++) { $value.Add($lines[$i]) }
                    $outputs[$name] = $value -join "`n"
                } else {
                    throw "Unexpected line in GITHUB_OUTPUT: '$($lines[$i])'"
                }
            }
            $outputs
        }
    }

    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        Set-RunnerEnvironment
        $env:GITHUB_ACTIONS = 'true'
        $env:GITHUB_STEP_SUMMARY = Join-Path $TestDrive "summary-$([guid]::NewGuid().ToString('n')).md"
        $env:GITHUB_OUTPUT = Join-Path $TestDrive "output-$([guid]::NewGuid().ToString('n')).txt"
        $script:policyPath = Join-Path $TestDrive 'credentials.json'
    }

    AfterEach {
        foreach ($name in 'GITHUB_STEP_SUMMARY', 'GITHUB_ACTIONS', 'GITHUB_OUTPUT') { Remove-Item "Env:$name" -ErrorAction Ignore }
    }

    It 'a denial: the summary holds the verdict, the outputs subject and allowed=false, exit code 1, no token anywhere' {
        @(@{ name = 'prod'; issuer = $script:fake.BaseUrl; subject = 'repo:octo-org/octo-repo:environment:prod'; audiences = @('api://AzureADTokenExchange') }) |
            ConvertTo-Json -Depth 5 -AsArray | Set-Content -LiteralPath $script:policyPath -Encoding utf8NoBOM
        $run = Invoke-ActionScript "-Audience 'api://AzureADTokenExchange' -Provider Azure -PolicyPath '$script:policyPath'"
        $run.ExitCode | Should -Be 1
        $outputs = Read-ActionOutput $env:GITHUB_OUTPUT
        $outputs.subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $outputs.allowed | Should -BeExactly 'false'
        $summary = Get-Content -LiteralPath $env:GITHUB_STEP_SUMMARY -Raw
        $summary | Should -Match '## GitHub Actions OIDC token'
        $summary | Should -Match '### OIDC token: repo:octo-org/octo-repo:ref:refs/heads/main'
        $summary | Should -Match '\| credential prod \| subject \| equals \| repo:octo-org/octo-repo:environment:prod \| repo:octo-org/octo-repo:ref:refs/heads/main \|'
        @($run.Lines | Where-Object { $_ -like '::error title=Azure trust policy denies *' }) | Should -HaveCount 1
        @($run.Lines | Where-Object { $_ -like '::error title=GitHubOidc::Failing the step (fail-on-deny)*' }) | Should -HaveCount 1
        foreach ($text in $run.Text, $summary, (Get-Content -LiteralPath $env:GITHUB_OUTPUT -Raw)) {
            $text | Should -Not -BeLike "*$script:requestToken*"
            $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{13,}'
        }
    }

    It 'an allowing policy: allowed=true and exit code 0; with fail-on-deny false a denial exits 0' {
        @(@{ name = 'main'; issuer = $script:fake.BaseUrl; subject = 'repo:octo-org/octo-repo:ref:refs/heads/main'; audiences = @('api://AzureADTokenExchange') }) |
            ConvertTo-Json -Depth 5 -AsArray | Set-Content -LiteralPath $script:policyPath -Encoding utf8NoBOM
        $run = Invoke-ActionScript "-Audience 'api://AzureADTokenExchange' -Provider Azure -PolicyPath '$script:policyPath'"
        $run.ExitCode | Should -Be 0 -Because $run.Text
        (Read-ActionOutput $env:GITHUB_OUTPUT).allowed | Should -BeExactly 'true'
        Get-Content -LiteralPath $env:GITHUB_STEP_SUMMARY -Raw | Should -Match 'allowed'

        $deny = @(@{ name = 'prod'; issuer = $script:fake.BaseUrl; subject = 'repo:x/y:ref:refs/heads/main'; audiences = @('api://AzureADTokenExchange') }) | ConvertTo-Json -Depth 5 -AsArray
        Remove-Item -LiteralPath $env:GITHUB_OUTPUT
        $run = Invoke-ActionScript "-Audience 'api://AzureADTokenExchange' -Provider Azure -Policy '$deny' -FailOnDeny false"
        $run.ExitCode | Should -Be 0 -Because $run.Text
        (Read-ActionOutput $env:GITHUB_OUTPUT).allowed | Should -BeExactly 'false'
    }

    It 'without a policy: the token''s claims in the summary, subject set, allowed empty' {
        $run = Invoke-ActionScript "-Audience 'sts.amazonaws.com'"
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $outputs = Read-ActionOutput $env:GITHUB_OUTPUT
        $outputs.subject | Should -BeExactly 'repo:octo-org/octo-repo:ref:refs/heads/main'
        $outputs.allowed | Should -BeExactly ''
        Get-Content -LiteralPath $env:GITHUB_STEP_SUMMARY -Raw | Should -Match '\| Audience \(aud\) \| sts.amazonaws.com \|'
        (Get-RunnerRequests)[0].query | Should -BeExactly 'api-version=2.0&audience=sts.amazonaws.com'
    }

    It 'a job without id-token: write: an ::error that names it, exit code 1, no outputs' {
        Set-RunnerEnvironment -NoUrl -RequestToken $null
        $run = Invoke-ActionScript "-Audience 'sts.amazonaws.com'"
        $run.ExitCode | Should -Be 1
        @($run.Lines | Where-Object { $_ -like '::error title=GitHubOidc::*permissions: id-token: write*' }) | Should -HaveCount 1
        Test-Path -LiteralPath $env:GITHUB_OUTPUT | Should -BeFalse
    }
}
