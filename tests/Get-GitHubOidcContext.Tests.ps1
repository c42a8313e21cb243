#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Context resolution: host -> API and issuer URLs, GH_HOST, token sources. No requests are made.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:savedEnvironment = @{}
    foreach ($name in 'GH_HOST', 'GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'PATH') {
        $script:savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    # An empty directory as PATH: no 'gh' can be found, so no test depends on the machine's gh login.
    $script:emptyPath = Join-Path ([System.IO.Path]::GetTempPath()) "gho-empty-$PID"
    $null = New-Item -ItemType Directory -Path $script:emptyPath -Force
}

AfterAll {
    foreach ($name in $script:savedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $script:savedEnvironment[$name])
    }
    Remove-Item -LiteralPath $script:emptyPath -Recurse -Force -ErrorAction Ignore
}

Describe 'Get-GitHubOidcContext' {
    BeforeEach {
        Clear-GitHubOidcTestEnvironment
        $env:PATH = $script:emptyPath
    }

    AfterEach {
        $env:PATH = $script:savedEnvironment['PATH']
    }

    It 'derives the API and issuer of <HostName>' -ForEach @(
        @{ HostName = 'github.com'; Kind = 'GitHubCom'; Api = 'https://api.github.com'; Issuer = 'https://token.actions.githubusercontent.com' }
        @{ HostName = 'octocorp.ghe.com'; Kind = 'GheCom'; Api = 'https://api.octocorp.ghe.com'; Issuer = 'https://token.actions.octocorp.ghe.com' }
        @{ HostName = 'github.example.com'; Kind = 'Ghes'; Api = 'https://github.example.com/api/v3'; Issuer = 'https://github.example.com/_services/token' }
    ) {
        $context = Get-GitHubOidcContext -Context $HostName
        $context.PSObject.TypeNames | Should -Contain 'GitHubOidc.Context'
        $context.HostName | Should -Be $HostName
        $context.Kind | Should -Be $Kind
        $context.ApiBaseUri | Should -Be $Api
        $context.IssuerUri | Should -Be $Issuer
        $context.DiscoveryUri | Should -Be "$Issuer/.well-known/openid-configuration"
        $context.HasToken | Should -BeFalse
    }

    It 'normalizes a URL or an API host to the web host' {
        (Get-GitHubOidcContext -Context 'https://api.github.com/').HostName | Should -Be 'github.com'
        (Get-GitHubOidcContext -Context 'https://GitHub.Example.com/some/path').ApiBaseUri | Should -Be 'https://github.example.com/api/v3'
        (Get-GitHubOidcContext -Context 'api.octocorp.ghe.com').IssuerUri | Should -Be 'https://token.actions.octocorp.ghe.com'
    }

    It 'defaults to github.com' {
        $context = Get-GitHubOidcContext
        $context.HostName | Should -Be 'github.com'
        $context.IssuerUri | Should -Be 'https://token.actions.githubusercontent.com'
    }

    It 'defaults to GH_HOST when it is set' {
        $env:GH_HOST = 'octocorp.ghe.com'
        $context = Get-GitHubOidcContext
        $context.HostName | Should -Be 'octocorp.ghe.com'
        $context.ApiBaseUri | Should -Be 'https://api.octocorp.ghe.com'
    }

    It 'takes the token from GH_TOKEN, then GITHUB_TOKEN, and never shows it' {
        $env:GITHUB_TOKEN = 'test-token-from-github-token'
        $context = Get-GitHubOidcContext
        $context.HasToken | Should -BeTrue
        $context.TokenSource | Should -Be 'GITHUB_TOKEN'

        $env:GH_TOKEN = 'test-token-from-gh-token'
        $context = Get-GitHubOidcContext
        $context.TokenSource | Should -Be 'GH_TOKEN'
        ($context | Format-List * | Out-String) | Should -Not -Match 'test-token-from'
        $context.PSObject.Properties.Name | Should -Not -Contain 'Token'
    }

    It 'prefers GH_ENTERPRISE_TOKEN for a GitHub Enterprise Server host, and only there' {
        $env:GH_TOKEN = 'test-token-from-gh-token'
        $env:GH_ENTERPRISE_TOKEN = 'test-token-from-enterprise'
        (Get-GitHubOidcContext -Context github.example.com).TokenSource | Should -Be 'GH_ENTERPRISE_TOKEN'
        (Get-GitHubOidcContext -Context github.com).TokenSource | Should -Be 'GH_TOKEN'
        (Get-GitHubOidcContext -Context octocorp.ghe.com).TokenSource | Should -Be 'GH_TOKEN'
        $env:GH_ENTERPRISE_TOKEN = $null
        (Get-GitHubOidcContext -Context github.example.com).TokenSource | Should -Be 'GH_TOKEN'
    }

    It 'refuses a context string that looks like a token, without echoing it' {
        $tokenLike = 'ghp_' + ('x1' * 18)
        $Error.Clear()
        $null = Get-GitHubOidcContext -Context $tokenLike -ErrorAction SilentlyContinue -ErrorVariable failure
        @($failure | Where-Object FullyQualifiedErrorId -Like 'GitHubOidc.InvalidArgument*').Count | Should -Be 1
        foreach ($record in @($failure) + @($Error)) {
            ($record | Format-List * -Force | Out-String) + "$($record.TargetObject) $($record.Exception.Message)" |
                Should -Not -Match ([regex]::Escape($tokenLike))
        }
    }

    It 'prefers the token of the context over the environment' {
        $env:GH_TOKEN = 'test-token-from-gh-token'
        $context = Get-GitHubOidcContext -Context @{ HostName = 'github.com'; Token = 'test-admin-token' }
        $context.TokenSource | Should -Be 'Context'
    }

    It 'reports no token without a token anywhere, and -NoTokenLookup ignores the environment' {
        (Get-GitHubOidcContext).HasToken | Should -BeFalse
        $env:GH_TOKEN = 'test-token-from-gh-token'
        (Get-GitHubOidcContext -NoTokenLookup).HasToken | Should -BeFalse
    }

    It 'accepts a hashtable with explicit URLs, timeout and retries' {
        $context = Get-GitHubOidcContext -Context @{
            HostName = 'github.example.com'; ApiBaseUri = 'http://127.0.0.1:1/api/v3'; IssuerUri = 'http://127.0.0.1:1/_services/token'
            TimeoutSec = 5; MaxRetries = 1
        }
        $context.HostName | Should -Be 'github.example.com'
        $context.ApiBaseUri | Should -Be 'http://127.0.0.1:1/api/v3'
        $context.IssuerUri | Should -Be 'http://127.0.0.1:1/_services/token'
        $context.TimeoutSec | Should -Be 5
        $context.MaxRetries | Should -Be 1
    }

    It 'accepts a PSModule/GitHub-style context object with a SecureString token' {
        $psModuleContext = [pscustomobject]@{
            Name       = 'github.com/octocat'
            HostName   = 'github.com'
            ApiBaseUri = 'https://api.github.com'
            Token      = ConvertTo-SecureString -String 'test-admin-token' -AsPlainText -Force
            TokenType  = 'PAT'
        }
        $context = Get-GitHubOidcContext -Context $psModuleContext
        $context.HostName | Should -Be 'github.com'
        $context.HasToken | Should -BeTrue
        $context.TokenSource | Should -Be 'Context'
    }

    It 'reads a pscustomobject as PowerShell converts: a SecureString token, numbers and a switch as text, a path on a PSDrive' {
        $objectContext = [pscustomobject]@{
            hostname          = 'github.example.com'
            Token             = ConvertTo-SecureString -String 'test-admin-token' -AsPlainText -Force
            TimeoutSec        = '2.5'
            MaxRetries        = '2'
            AllowInsecureHttp = [switch]$true
            CachePath         = 'TestDrive:/gho-cache'
        }
        $context = Get-GitHubOidcContext -Context $objectContext
        $context.HostName | Should -Be 'github.example.com'
        $context.TokenSource | Should -Be 'Context'
        $context.HasToken | Should -BeTrue
        $context.TimeoutSec | Should -Be 2.5
        $context.MaxRetries | Should -Be 2
        # Made absolute by PowerShell (the native library knows no PSDrive).
        $context.CachePath | Should -Be (Join-Path $TestDrive 'gho-cache')
    }

    It 'says what is wrong with <Name>, as GitHubOidc.InvalidArgument targeted at Context' -ForEach @(
        @{ Name = 'an empty string'; Value = ' '; Message = 'The context is an empty string. *' }
        @{ Name = 'a TimeoutSec that is no number'; Value = @{ TimeoutSec = 'soon' }; Message = "The context's TimeoutSec must be a number of seconds." }
        @{ Name = 'a MaxRetries that is no whole number'; Value = @{ MaxRetries = 'many' }; Message = "The context's MaxRetries must be a whole number." }
        @{ Name = 'a PointsPerMinute out of range'; Value = @{ PointsPerMinute = 1e12 }; Message = "The context's PointsPerMinute must be a whole number." }
        @{ Name = 'an AllowInsecureHttp that is text'; Value = @{ AllowInsecureHttp = 'yes' }; Message = "The context's AllowInsecureHttp must be `$true or `$false." }
        @{ Name = 'a Token that is a number'; Value = [pscustomobject]@{ Token = 42 }; Message = "The context's Token must be a string or a SecureString, not ``[System.Int32``]." }
        @{ Name = 'a PrivateKey that is a number'; Value = @{ PrivateKey = 42 }; Message = "The context's PrivateKey must be PEM text or a SecureString, not ``[System.Int32``]." }
        @{ Name = 'an AppId that is no number'; Value = @{ AppId = 'my-app' }; Message = "The context's AppId must be a number." }
        @{ Name = 'a CachePath on a drive that does not exist'; Value = @{ CachePath = 'NoSuchDrive:/cache' }; Message = 'Invalid context: *NoSuchDrive*' }
        @{ Name = 'a SecureString token already disposed'; Value = @{ Token = & { $secure = [securestring]::new(); $secure.Dispose(); $secure } }; Message = 'Invalid context: *disposed*' }
    ) {
        $failure = $null
        $result = Get-GitHubOidcContext -Context $Value -ErrorAction SilentlyContinue -ErrorVariable failure
        $result | Should -BeNullOrEmpty
        @($failure).Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument,*'
        $failure[0].TargetObject | Should -Be 'Context'
        $failure[0].Exception.Message | Should -BeLike $Message
    }

    It 'uses the host of ApiBaseUri when the context has no HostName' {
        (Get-GitHubOidcContext -Context @{ ApiBaseUri = 'https://github.example.com/api/v3' }).HostName | Should -Be 'github.example.com'
    }

    It 'rejects an invalid context with GitHubOidc.InvalidArgument' {
        { Get-GitHubOidcContext -Context @{ ApiBaseUri = 'not a url' } -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument,*'
        { Get-GitHubOidcContext -Context 'bad host name!' -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument,*'
        { Get-GitHubOidcContext -Context @{ HostName = 'github.com'; MaxRetries = 99 } -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument,*'
    }

    It 'asks gh for a token only when gh is installed, quietly, and records the source' {
        # "platform:": a skip build.ps1 does not count as a failure under CI (tests/README.md).
        if ($IsWindows) { Set-ItResult -Skipped -Because 'platform: the stand-in gh is a /bin/sh script'; return }
        # A stand-in 'gh' on PATH that prints a token for the requested host.
        $bin = Join-Path $script:emptyPath 'gh-bin'
        $null = New-Item -ItemType Directory -Path $bin -Force
        $gh = Join-Path $bin 'gh'
        Set-Content -LiteralPath $gh -Value "#!/bin/sh`nif [ `"`$1 `$2 `$3 `$4`" = 'auth token --hostname octocorp.ghe.com' ]; then echo test-token-from-gh; exit 0; fi`nexit 1"
        & /bin/chmod +x $gh
        $env:PATH = $bin
        $context = Get-GitHubOidcContext -Context 'octocorp.ghe.com'
        $context.HasToken | Should -BeTrue
        $context.TokenSource | Should -Be 'gh'
        (Get-GitHubOidcContext -Context 'other.example.com').HasToken | Should -BeFalse
    }
}
