#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Error records (stable ErrorIds, categories, targets, messages), retries, the missing-token
# message, and the token never appearing in any stream.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:savedEnvironment = @{}
    foreach ($name in 'GH_HOST', 'GH_TOKEN', 'GITHUB_TOKEN', 'PATH') {
        $script:savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $script:emptyPath = Join-Path ([System.IO.Path]::GetTempPath()) "gho-empty-errors-$PID"
    $null = New-Item -ItemType Directory -Path $script:emptyPath -Force

    function New-FakeContext {
        param([string] $Token = 'test-admin-token', [int] $MaxRetries = 0)
        @{ HostName = 'github.com'; ApiBaseUri = $script:fake.BaseUrl; IssuerUri = $script:fake.BaseUrl; Token = $Token
            MaxRetries = $MaxRetries; MaxRetryWaitSec = 1; TimeoutSec = 10 }
    }

    function Get-ErrorRecord {
        param([scriptblock] $ScriptBlock)
        try {
            & $ScriptBlock
        } catch {
            return $_
        }
        throw 'Expected an error, but none was thrown.'
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
    foreach ($name in $script:savedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $script:savedEnvironment[$name])
    }
    Remove-Item -LiteralPath $script:emptyPath -Recurse -Force -ErrorAction Ignore
}

Describe 'Errors' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        $null = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.ClearCacheRequest]::new())
    }

    Context 'ErrorIds' {
        It 'GitHubOidc.InvalidArgument for an invalid owner name, before any request' {
            $record = Get-ErrorRecord { Get-GitHubOidcSubjectClaim -Owner '../x' -Context (New-FakeContext) -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument,*'
            $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
            @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
        }

        It 'GitHubOidc.NotFound for a missing repository' {
            $record = Get-ErrorRecord { Get-GitHubOidcSubjectClaim -Owner octo-org -Repository gone -Context (New-FakeContext) -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound,*'
            $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $record.TargetObject | Should -Be 'octo-org/gone'
            "$record" | Should -Match 'docs.github.com'
            $record.Exception.StatusCode | Should -Be 404
        }

        It 'GitHubOidc.Unauthorized for a bad token, naming the permission a valid token needs' {
            $record = Get-ErrorRecord { Get-GitHubOidcSubjectClaim -Owner custom-org -Context (New-FakeContext -Token 'not-a-valid-test-token') -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Unauthorized,*'
            $record.CategoryInfo.Category | Should -Be 'AuthenticationError'
            "$record" | Should -Match 'Bad credentials'
            "$record" | Should -Match 'read:org'
            $record.ErrorDetails.RecommendedAction | Should -Match 'GH_TOKEN'
        }

        It 'GitHubOidc.Forbidden for a read-only token on PUT, naming the permission the endpoint needs' {
            $record = Get-ErrorRecord {
                Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -UseDefault -Context (New-FakeContext -Token 'test-read-token') -ErrorAction Stop
            }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Forbidden,*'
            $record.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $record.TargetObject | Should -Be 'octo-org/octo-repo'
            "$record" | Should -Match 'Actions'
            "$record" | Should -Match 'write'
            $record.Exception.RequiredPermission | Should -Match 'Actions'
            $record.ErrorDetails.RecommendedAction | Should -Match 'Actions'
        }

        It 'GitHubOidc.Forbidden on an organization PUT names Administration (write) / write:org' {
            $record = Get-ErrorRecord {
                Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, context -Context (New-FakeContext -Token 'test-read-token') -ErrorAction Stop
            }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Forbidden,*'
            "$record" | Should -Match 'Administration'
            "$record" | Should -Match 'write:org'
        }

        It 'GitHubOidc.ValidationFailed for a 422 answer' {
            Add-FakeFault -Fake $script:fake -Fault @{ method = 'PUT'; path_prefix = '/orgs/octo-org'; status = 422; times = 1 }
            $record = Get-ErrorRecord { Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, context -Context (New-FakeContext) -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.ValidationFailed,*'
            $record.CategoryInfo.Category | Should -Be 'InvalidData'
        }

        It 'GitHubOidc.RateLimited after the retries for a repeated 429' {
            Add-FakeFault -Fake $script:fake -Fault @{ method = 'GET'; path_prefix = '/orgs/'; status = 429; times = 10; retry_after = 0 }
            $record = Get-ErrorRecord { Get-GitHubOidcSubjectClaim -Owner custom-org -Context (New-FakeContext -MaxRetries 1) -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.RateLimited,*'
            $record.CategoryInfo.Category | Should -Be 'LimitsExceeded'
            @(Get-FakeRequests -Fake $script:fake -Method GET).Count | Should -Be 2
        }

        It 'GitHubOidc.ServerError after the retries for a repeated 500' {
            Add-FakeFault -Fake $script:fake -Fault @{ method = 'GET'; path_prefix = '/orgs/'; status = 500; times = 10 }
            $record = Get-ErrorRecord { Get-GitHubOidcSubjectClaim -Owner custom-org -Context (New-FakeContext -MaxRetries 1) -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.ServerError,*'
            $record.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            @(Get-FakeRequests -Fake $script:fake -Method GET).Count | Should -Be 2
        }

        It 'GitHubOidc.Network for a closed port' {
            $context = @{ HostName = 'github.com'; ApiBaseUri = (Get-ClosedPortUrl); Token = 'test-admin-token'; MaxRetries = 0; TimeoutSec = 5 }
            $record = Get-ErrorRecord { Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Network,*'
            $record.CategoryInfo.Category | Should -Be 'ConnectionError'
        }
    }

    Context 'Retries' {
        It 'retries one injected 503 and succeeds (two requests in the log)' {
            Add-FakeFault -Fake $script:fake -Fault @{ method = 'GET'; path_prefix = '/orgs/custom-org'; status = 503; times = 1; retry_after = 0 }
            $template = Get-GitHubOidcSubjectClaim -Owner custom-org -Context (New-FakeContext -MaxRetries 2)
            $template.IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
            @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '/orgs/custom-org/*').Count | Should -Be 2
        }
    }

    Context 'Missing token' {
        BeforeEach {
            Clear-GitHubOidcTestEnvironment
            $env:PATH = $script:emptyPath
        }

        AfterEach {
            $env:PATH = $script:savedEnvironment['PATH']
        }

        It '<Command> on <HostName> fails before any request and says how to provide a token' -ForEach @(
            @{ Command = 'Get-GitHubOidcSubjectClaim'; Arguments = @{ Owner = 'custom-org' }; HostName = 'github.com'; Variables = 'GH_TOKEN or GITHUB_TOKEN' }
            @{ Command = 'Set-GitHubOidcSubjectClaim'; Arguments = @{ Owner = 'octo-org'; Repository = 'octo-repo'; UseDefault = $true }; HostName = 'github.com'; Variables = 'GH_TOKEN or GITHUB_TOKEN' }
            @{ Command = 'Get-GitHubOidcSubjectClaim'; Arguments = @{ Owner = 'custom-org' }; HostName = 'ghes.example.com'; Variables = 'GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN, GH_TOKEN or GITHUB_TOKEN' }
            @{ Command = 'Get-GitHubOidcRepository'; Arguments = @{ Owner = 'custom-org' }; HostName = 'ghes.example.com'; Variables = 'GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN, GH_TOKEN or GITHUB_TOKEN' }
        ) {
            $context = @{ HostName = $HostName; ApiBaseUri = $script:fake.BaseUrl }
            $record = Get-ErrorRecord { & $Command @Arguments -Context $context -ErrorAction Stop }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument,*'
            # The native layer's one wording: every variable of the host's kind, gh and a GitHub App.
            "$record" | Should -BeLike "No GitHub token for $HostName.*set $Variables, run 'gh auth login --hostname $HostName', or give a GitHub App*"
            @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
        }

        It 'uses GH_TOKEN when the context has no token' {
            $env:GH_TOKEN = 'test-admin-token'
            (Get-GitHubOidcSubjectClaim -Owner custom-org -Context @{ HostName = 'github.com'; ApiBaseUri = $script:fake.BaseUrl }).Customized | Should -BeTrue
            (Get-FakeRequests -Fake $script:fake)[0].headers.authorization | Should -Be 'Bearer test-admin-token'
        }

        It 'uses GITHUB_TOKEN when GH_TOKEN is not set' {
            $env:GITHUB_TOKEN = 'test-read-token'
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context @{ ApiBaseUri = $script:fake.BaseUrl }
            (Get-FakeRequests -Fake $script:fake)[0].headers.authorization | Should -Be 'Bearer test-read-token'
        }
    }

    Context 'The token never appears in any stream' {
        It 'is absent from output, errors, warnings, verbose, debug, information and $Error' {
            $secrets = 'test-admin-token', 'test-read-token', 'not-a-valid-test-token'
            $admin = New-FakeContext -MaxRetries 1
            $reader = New-FakeContext -Token 'test-read-token'
            $bad = New-FakeContext -Token 'not-a-valid-test-token'
            $psModuleStyle = [pscustomobject]@{
                HostName   = 'github.com'
                ApiBaseUri = $script:fake.BaseUrl
                Token      = ConvertTo-SecureString -String 'test-admin-token' -AsPlainText -Force
            }
            Add-FakeFault -Fake $script:fake -Fault @{ method = 'GET'; path_prefix = '/orgs/octo-org'; status = 503; times = 1; retry_after = 0 }
            $Error.Clear()
            $DebugPreference = 'Continue'
            $captured = & {
                # Each failure is one record here, not the end of the block: the compiled
                # Get-GitHubOidcSubjectClaim honours its caller's $ErrorActionPreference (Stop in tests).
                $ErrorActionPreference = 'Continue'
                Get-GitHubOidcSubjectClaim -Owner octo-org -Context $admin -Verbose -Debug
                Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $psModuleStyle -Verbose -Debug
                Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context -UseDefault -Context $admin -PassThru -Verbose -Debug
                Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, context -Context $admin -WhatIf -Verbose -Debug
                Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -UseDefault -Context $reader -Verbose -Debug
                Get-GitHubOidcSubjectClaim -Owner custom-org -Context $bad -Verbose -Debug
                Get-GitHubOidcSubjectClaim -Owner no-such-org -Context $admin -Verbose -Debug
                Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys 'bad key' -Context $admin -Verbose -Debug
                Get-GitHubOidcClaim -Context $admin -Verbose -Debug
                Get-GitHubOidcContext -Context $admin -Verbose -Debug
                try { Get-GitHubOidcSubjectClaim -Owner custom-org -Context @{ ApiBaseUri = 'not a url'; Token = 'test-admin-token' } -Verbose -Debug } catch { $_ }
            } *>&1
            $DebugPreference = 'SilentlyContinue'

            $captured | Should -Not -BeNullOrEmpty
            $streams = @($captured | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique)
            $streams | Should -Contain 'VerboseRecord'
            $streams | Should -Contain 'DebugRecord'
            $streams | Should -Contain 'ErrorRecord'
            $streams | Should -Contain 'WarningRecord'

            $text = ($captured | Out-String -Width 500) + ($captured | Format-List * -Force | Out-String -Width 500)
            $errorText = ($Error | Out-String -Width 500) + ($Error | Format-List * -Force | Out-String -Width 500) +
            ($Error | ForEach-Object { "$($_.TargetObject) $($_.Exception.Message) $($_.ErrorDetails.Message) $($_.ErrorDetails.RecommendedAction)" } | Out-String)
            foreach ($secret in $secrets) {
                $text.Contains($secret) | Should -BeFalse -Because "'$secret' must not appear in any stream"
                $errorText.Contains($secret) | Should -BeFalse -Because "'$secret' must not appear in `$Error"
            }
        }
    }
}
