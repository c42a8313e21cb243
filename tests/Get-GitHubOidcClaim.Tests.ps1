#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Get-GitHubOidcClaim: claims_supported from the issuer's discovery document, without a token,
# for every kind of context.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:savedEnvironment = @{}
    foreach ($name in 'GH_HOST', 'GH_TOKEN', 'GITHUB_TOKEN') {
        $script:savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
    foreach ($name in $script:savedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $script:savedEnvironment[$name])
    }
}

Describe 'Get-GitHubOidcClaim' {
    BeforeEach {
        Clear-GitHubOidcTestEnvironment
        Reset-FakeGitHub -Fake $script:fake
        $null = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.ClearCacheRequest]::new())
    }

    Context 'Against the fake issuer' {
        It 'returns claims_supported as strings with a hashtable context' {
            $claims = Get-GitHubOidcClaim -Context @{ IssuerUri = $script:fake.BaseUrl }
            $claims | Should -Not -BeNullOrEmpty
            $claims | Should -BeOfType [string]
            foreach ($claim in 'sub', 'repository', 'repository_owner_id', 'job_workflow_ref', 'environment') {
                $claims | Should -Contain $claim
            }
            $requests = @(Get-FakeRequests -Fake $script:fake)
            $requests.Count | Should -Be 1
            $requests[0].method | Should -Be 'GET'
            $requests[0].path | Should -Be '/.well-known/openid-configuration'
        }

        It 'sends no token, even when the context has one (the endpoint is public)' {
            $env:GH_TOKEN = 'test-admin-token'
            $null = Get-GitHubOidcClaim -Context $script:fake.Context()
            $request = @(Get-FakeRequests -Fake $script:fake)[0]
            $request.headers.PSObject.Properties.Name | Should -Not -Contain 'authorization'
        }

        It 'works with a PSModule/GitHub-style context object (SecureString token) that names the issuer' {
            $psModuleContext = [pscustomobject]@{
                Name       = 'github.com/octocat'
                HostName   = 'github.com'
                ApiBaseUri = $script:fake.BaseUrl
                IssuerUri  = $script:fake.BaseUrl
                Token      = ConvertTo-SecureString -String 'test-read-token' -AsPlainText -Force
                TokenType  = 'PAT'
            }
            $claims = Get-GitHubOidcClaim -Context $psModuleContext
            $claims | Should -Contain 'repository_owner_id'
        }

        It 'reads a GitHub Enterprise Server-style issuer (/_services/token)' {
            $claims = Get-GitHubOidcClaim -Context @{ HostName = 'github.example.com'; IssuerUri = "$($script:fake.BaseUrl)/_services/token" }
            $claims | Should -Contain 'repository'
            (Get-FakeRequests -Fake $script:fake)[0].path | Should -Be '/_services/token/.well-known/openid-configuration'
        }

        It 'reads the enterprise issuer with -Enterprise' {
            $claims = Get-GitHubOidcClaim -Context @{ IssuerUri = $script:fake.BaseUrl } -Enterprise 'octocat-inc'
            $claims | Should -Contain 'enterprise'
            (Get-FakeRequests -Fake $script:fake)[0].path | Should -Be '/octocat-inc/.well-known/openid-configuration'
        }

        It 'reports an unknown enterprise issuer as GitHubOidc.NotFound' {
            { Get-GitHubOidcClaim -Context @{ IssuerUri = $script:fake.BaseUrl } -Enterprise 'no-such-enterprise' -ErrorAction Stop } |
                Should -Throw -ErrorId 'GitHubOidc.NotFound,*'
        }

        It 'answers a repeated call from the cache (no second request)' {
            $context = @{ IssuerUri = $script:fake.BaseUrl }
            $first = Get-GitHubOidcClaim -Context $context
            $second = Get-GitHubOidcClaim -Context $context
            $second | Should -Be $first
            @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 1
        }

        It 'fails with GitHubOidc.Network when the issuer cannot be reached' {
            $context = @{ IssuerUri = (Get-ClosedPortUrl); MaxRetries = 0; TimeoutSec = 5 }
            { Get-GitHubOidcClaim -Context $context -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.Network,*'
        }
    }

    Context 'Which issuer each kind of context uses (the native call is mocked)' {
        BeforeEach {
            Mock -ModuleName GitHubOidc -CommandName Invoke-GitHubOidcNative -ParameterFilter { $Request -is [GitHubOidc.Native.DiscoverRequest] } -MockWith {
                @{ claims_supported = @('sub', 'repository'); issuer = 'mocked' }
            }
        }

        It 'uses github.com without a context, with no token and no gh' {
            $env:GH_TOKEN = 'test-admin-token'
            # What it returns is the mock's answer (asserted against the fake above); the request is what counts here.
            $null = Get-GitHubOidcClaim
            Should -Invoke -ModuleName GitHubOidc -CommandName Invoke-GitHubOidcNative -Times 1 -Exactly -ParameterFilter {
                $Request -is [GitHubOidc.Native.DiscoverRequest] -and $Request.Context.HostName -eq 'github.com' -and
                [string]::IsNullOrEmpty($Request.Context.Token) -and [string]::IsNullOrEmpty($Request.Context.IssuerUri) -and [string]::IsNullOrEmpty($Request.Enterprise)
            }
        }

        It 'uses GH_HOST without a context' {
            $env:GH_HOST = 'octocorp.ghe.com'
            $null = Get-GitHubOidcClaim
            Should -Invoke -ModuleName GitHubOidc -CommandName Invoke-GitHubOidcNative -Times 1 -Exactly -ParameterFilter {
                $Request -is [GitHubOidc.Native.DiscoverRequest] -and $Request.Context.HostName -eq 'octocorp.ghe.com'
            }
        }

        It 'uses the host of a host-name string (<_>)' -ForEach 'octocorp.ghe.com', 'github.example.com' {
            $hostName = $_
            $null = Get-GitHubOidcClaim -Context $hostName
            Should -Invoke -ModuleName GitHubOidc -CommandName Invoke-GitHubOidcNative -Times 1 -Exactly -ParameterFilter {
                $Request -is [GitHubOidc.Native.DiscoverRequest] -and $Request.Context.HostName -eq $hostName -and [string]::IsNullOrEmpty($Request.Context.Token)
            }
        }

        It 'drops the token of a PSModule/GitHub-style context object' {
            $psModuleContext = [pscustomobject]@{
                HostName   = 'octocorp.ghe.com'
                ApiBaseUri = 'https://api.octocorp.ghe.com'
                Token      = ConvertTo-SecureString -String 'test-admin-token' -AsPlainText -Force
            }
            $null = Get-GitHubOidcClaim -Context $psModuleContext
            Should -Invoke -ModuleName GitHubOidc -CommandName Invoke-GitHubOidcNative -Times 1 -Exactly -ParameterFilter {
                $Request -is [GitHubOidc.Native.DiscoverRequest] -and $Request.Context.HostName -eq 'octocorp.ghe.com' -and [string]::IsNullOrEmpty($Request.Context.Token)
            }
        }
    }
}
