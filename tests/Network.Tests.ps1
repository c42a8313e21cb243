#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The network users have (issue 17): proxies and certificate authorities set in the session
# ($env: inside this pwsh, which the native library's own environment never sees on Linux and
# macOS) or in the context, and no token in cleartext. A forward proxy started here
# (tests/tools/proxy.py, python3 stdlib) logs every request line and sends everything to the
# fake server; for CONNECT it is a TLS server with a certificate of a CA made here.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:dir = Join-Path ([System.IO.Path]::GetTempPath()) "ghoidc-net-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory -Path $script:dir

    # A CA and a certificate for api.corp.test signed by it.
    $x509 = 'System.Security.Cryptography.X509Certificates'
    $now = [DateTimeOffset]::UtcNow
    $caKey = [System.Security.Cryptography.RSA]::Create(2048)
    $caRequest = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        'CN=GitHubOidc Test CA', $caKey, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $caRequest.CertificateExtensions.Add((New-Object "$x509.X509BasicConstraintsExtension" $true, $false, 0, $true))
    $caRequest.CertificateExtensions.Add((New-Object "$x509.X509KeyUsageExtension" ([System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'KeyCertSign, CrlSign'), $true))
    $caRequest.CertificateExtensions.Add((New-Object "$x509.X509SubjectKeyIdentifierExtension" $caRequest.PublicKey, $false))
    $ca = $caRequest.CreateSelfSigned($now.AddDays(-1), $now.AddDays(2))
    $leafKey = [System.Security.Cryptography.RSA]::Create(2048)
    $leafRequest = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        'CN=api.corp.test', $leafKey, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $san.AddDnsName('api.corp.test')
    $leafRequest.CertificateExtensions.Add($san.Build())
    $leafRequest.CertificateExtensions.Add((New-Object "$x509.X509BasicConstraintsExtension" $false, $false, 0, $false))
    $leafRequest.CertificateExtensions.Add((New-Object "$x509.X509KeyUsageExtension" ([System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'DigitalSignature, KeyEncipherment'), $true))
    $eku = [System.Security.Cryptography.OidCollection]::new()
    $null = $eku.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
    $leafRequest.CertificateExtensions.Add((New-Object "$x509.X509EnhancedKeyUsageExtension" $eku, $false))
    $leafRequest.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509AuthorityKeyIdentifierExtension]::CreateFromCertificate($ca, $true, $false))
    $leaf = $leafRequest.Create($ca, $now.AddDays(-1), $now.AddDays(1), [byte[]](1, 2, 3, 4, 5, 6, 7, 8))
    $script:caPem = Join-Path $script:dir 'ca.pem'
    $script:caDir = Join-Path $script:dir 'cas'
    $null = New-Item -ItemType Directory -Path $script:caDir
    Set-Content -LiteralPath $script:caPem -Value $ca.ExportCertificatePem() -Encoding ascii
    Copy-Item -LiteralPath $script:caPem -Destination (Join-Path $script:caDir 'test-ca.pem')
    $certPem = Join-Path $script:dir 'leaf.pem'
    $keyPem = Join-Path $script:dir 'leaf.key'
    Set-Content -LiteralPath $certPem -Value $leaf.ExportCertificatePem() -Encoding ascii
    Set-Content -LiteralPath $keyPem -Value $leafKey.ExportPkcs8PrivateKeyPem() -Encoding ascii

    # The proxy, in front of the fake server.
    $script:proxyLog = Join-Path $script:dir 'proxy.log'
    $null = New-Item -ItemType File -Path $script:proxyLog
    $upstream = ([uri] $script:fake.BaseUrl).Port
    $python = (Get-Command python3 -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $start = [System.Diagnostics.ProcessStartInfo]::new($python)
    foreach ($a in "$PSScriptRoot/tools/proxy.py", '--upstream', "$upstream", '--log', $script:proxyLog, '--cert', $certPem, '--key', $keyPem) {
        $start.ArgumentList.Add($a)
    }
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $script:proxy = [System.Diagnostics.Process]::Start($start)
    $script:proxyUrl = "http://127.0.0.1:$([int] $script:proxy.StandardOutput.ReadLine())"

    $script:variables = 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy',
    'NO_PROXY', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR'
    function Clear-NetworkEnvironment {
        foreach ($v in $script:variables) { [Environment]::SetEnvironmentVariable($v, $null) }
    }
    function Get-ProxyLog { @(Get-Content -LiteralPath $script:proxyLog) }
    function Get-CorpContext([string] $ApiBaseUri = 'https://api.corp.test') {
        $c = $script:fake.Context()
        $c.ApiBaseUri = $ApiBaseUri
        $c
    }
}

AfterAll {
    Clear-NetworkEnvironment
    if ($script:proxy -and -not $script:proxy.HasExited) { $script:proxy.Kill() }
    Stop-FakeGitHub -Fake $script:fake
    Remove-Item -LiteralPath $script:dir -Recurse -Force -ErrorAction Ignore
}

Describe 'Proxies and certificate authorities from the session' {
    BeforeEach {
        Clear-NetworkEnvironment
        Reset-FakeGitHub -Fake $script:fake
        Clear-Content -LiteralPath $script:proxyLog
    }

    It 'sends requests through $env:HTTPS_PROXY set in this pwsh and trusts the CA in $env:SSL_CERT_FILE' {
        $env:HTTPS_PROXY = $script:proxyUrl
        $env:SSL_CERT_FILE = $script:caPem
        $template = Get-GitHubOidcSubjectClaim -Owner octo-org -Context (Get-CorpContext) -ErrorAction Stop
        $template.Owner | Should -Be 'octo-org'
        Get-ProxyLog | Should -Contain 'CONNECT api.corp.test:443 HTTP/1.1'
        $reads = @(Get-FakeRequests -Fake $script:fake | Where-Object path -EQ '/orgs/octo-org/actions/oidc/customization/sub')
        $reads | Should -HaveCount 1
        $reads[0].headers.host | Should -Be 'api.corp.test'
    }

    It 'takes a change of the session''s variables between calls: without the CA the answer is refused, and the error names the proxy' {
        $env:HTTPS_PROXY = $script:proxyUrl
        $env:SSL_CERT_FILE = $script:caPem
        $null = Get-GitHubOidcSubjectClaim -Owner octo-org -Context (Get-CorpContext) -ErrorAction Stop
        $env:SSL_CERT_FILE = $null
        $thrown = { Get-GitHubOidcSubjectClaim -Owner octo-org -Context (Get-CorpContext) -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Network*'
        $thrown.Exception.Message | Should -BeLike "*through the proxy $($script:proxyUrl)*"
        $thrown.Exception.Message | Should -Not -BeLike '*test-admin-token*'
        $env:SSL_CERT_DIR = $script:caDir
        (Get-GitHubOidcSubjectClaim -Owner octo-org -Context (Get-CorpContext) -ErrorAction Stop).Owner | Should -Be 'octo-org'
    }

    It 'uses the context''s Proxy and CaCertificatePath without any variable, and NoProxy bypasses the proxy' {
        $c = Get-CorpContext
        $c.Proxy = $script:proxyUrl
        $c.CaCertificatePath = $script:caPem
        (Get-GitHubOidcSubjectClaim -Owner octo-org -Context $c -ErrorAction Stop).Owner | Should -Be 'octo-org'
        Get-ProxyLog | Should -Contain 'CONNECT api.corp.test:443 HTTP/1.1'
        Clear-Content -LiteralPath $script:proxyLog
        $direct = $script:fake.Context()
        $direct.Proxy = $script:proxyUrl
        $direct.NoProxy = '127.0.0.1,localhost'
        (Get-GitHubOidcSubjectClaim -Owner octo-org -Context $direct -ErrorAction Stop).Owner | Should -Be 'octo-org'
        Get-ProxyLog | Should -BeNullOrEmpty -Because 'the fake server is in NoProxy'
        (Get-GitHubOidcContext -Context $c).PSObject.Properties.Name | Should -Not -BeNullOrEmpty
    }

    It 'refuses a proxy it cannot use before any request' {
        $c = Get-CorpContext
        $c.Proxy = 'socks5://127.0.0.1:1080'
        { Get-GitHubOidcSubjectClaim -Owner octo-org -Context $c -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*' -ExpectedMessage '*SOCKS*'
        Get-FakeRequests -Fake $script:fake | Should -BeNullOrEmpty
    }
}

Describe 'No token in cleartext' {
    BeforeEach {
        Clear-NetworkEnvironment
        Reset-FakeGitHub -Fake $script:fake
        Clear-Content -LiteralPath $script:proxyLog
        # Were anything sent, it would reach the proxy (and be logged there).
        $env:HTTP_PROXY = $script:proxyUrl
    }

    It 'refuses an http:// API base on a host that is not this machine before any request' {
        $thrown = { Get-GitHubOidcSubjectClaim -Owner octo-org -Context (Get-CorpContext 'http://api.corp.example') -ErrorAction Stop } |
            Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument*'
        $thrown.Exception.Message | Should -BeLike '*http://api.corp.example*unencrypted*AllowInsecureHttp*'
        Get-ProxyLog | Should -BeNullOrEmpty
        Get-FakeRequests -Fake $script:fake | Should -BeNullOrEmpty
        { Get-GitHubOidcRepository -Owner octo-org -Context (Get-CorpContext 'http://10.1.2.3') -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
        $c = $script:fake.Context()
        $c.IssuerUri = 'http://token.corp.example'
        { Get-GitHubOidcClaim -Context $c -ErrorAction Stop } | Should -Throw -ExpectedMessage '*IssuerUri*AllowInsecureHttp*'
        Get-ProxyLog | Should -BeNullOrEmpty
    }

    It 'sends over http:// on purpose with AllowInsecureHttp, warning on every call' {
        $c = Get-CorpContext 'http://api.corp.example'
        $c.AllowInsecureHttp = $true
        foreach ($call in 1, 2) {
            $template = Get-GitHubOidcSubjectClaim -Owner octo-org -Context $c -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
            $template.Owner | Should -Be 'octo-org'
            @($warnings) | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike '*http://api.corp.example*unencrypted*'
        }
        # The proxy logs the first request of each connection (it pipes the rest).
        Get-ProxyLog | Should -Contain 'GET http://api.corp.example/orgs/octo-org/actions/oidc/customization/sub HTTP/1.1'
        $reads = @(Get-FakeRequests -Fake $script:fake | Where-Object { $_.headers.host -eq 'api.corp.example' })
        $reads | Should -HaveCount 2
    }
}
