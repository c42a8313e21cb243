# Test-only helper: RS256 ID tokens signed with the TEST key (tests/resources/test-signing-key.pem,
# kid test-key-1, served by the fake GitHub's JWKS) or with a throwaway key the fake does not know.
# Dot-source from BeforeAll:  . "$PSScriptRoot/TestTokens.ps1"
# The module itself never builds tokens; this exists only so the tests can make good and bad ones.

$script:TestKeyPath = Join-Path (Split-Path -Parent $PSScriptRoot) 'tests/resources/test-signing-key.pem'

function Get-TestSigningKey {
    <# The fake's signing key (RSA, from the PEM), cached. #>
    if (-not $script:TestSigningKey) {
        $rsa = [System.Security.Cryptography.RSA]::Create()
        $rsa.ImportFromPem([System.IO.File]::ReadAllText($script:TestKeyPath))
        $script:TestSigningKey = $rsa
    }
    $script:TestSigningKey
}

function ConvertTo-TestBase64Url {
    param([Parameter(Mandatory)] [byte[]] $Bytes)
    [System.Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

function New-TestClaimSet {
    <# Typical claims of a github.com workflow token for octo-org/octo-repo on main, valid for 5 minutes. #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Test helper; builds data only.')]
    param(
        [Parameter(Mandatory)] [string] $Issuer,
        [string] $Audience = 'https://github.com/octo-org',
        [hashtable] $Override = @{}
    )
    $now = [System.DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $claims = [ordered]@{
        jti                 = [guid]::NewGuid().ToString()
        sub                 = 'repo:octo-org/octo-repo:ref:refs/heads/main'
        aud                 = $Audience
        ref                 = 'refs/heads/main'
        sha                 = 'a1b2c3'
        repository          = 'octo-org/octo-repo'
        repository_owner    = 'octo-org'
        repository_owner_id = '100'
        repository_id       = '200'
        run_id              = '1'
        event_name          = 'push'
        ref_type            = 'branch'
        iss                 = $Issuer
        nbf                 = $now - 5
        iat                 = $now - 5
        exp                 = $now + 300
    }
    foreach ($key in $Override.Keys) {
        if ($null -eq $Override[$key]) { $claims.Remove($key) } else { $claims[$key] = $Override[$key] }
    }
    $claims
}

function New-TestIdToken {
    <# Signs claims as an RS256 JWT. -UnknownKey signs with a fresh key the fake's JWKS does not hold. #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Test helper; builds data only.')]
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Claims,
        [string] $Kid = 'test-key-1',
        [switch] $UnknownKey
    )
    $header = [ordered]@{ alg = 'RS256'; typ = 'JWT'; kid = $Kid }
    $utf8 = [System.Text.Encoding]::UTF8
    $h = ConvertTo-TestBase64Url $utf8.GetBytes((ConvertTo-Json -InputObject $header -Compress))
    $p = ConvertTo-TestBase64Url $utf8.GetBytes((ConvertTo-Json -InputObject $Claims -Compress -Depth 5))
    $key = if ($UnknownKey) { [System.Security.Cryptography.RSA]::Create(2048) } else { Get-TestSigningKey }
    $signature = $key.SignData(
        [System.Text.Encoding]::ASCII.GetBytes("$h.$p"),
        [System.Security.Cryptography.HashAlgorithmName]::SHA256,
        [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    "$h.$p.$(ConvertTo-TestBase64Url $signature)"
}

function Edit-TestIdTokenPayload {
    <# Replaces the payload of a signed token (keeping its signature): a tampered token. #>
    param([Parameter(Mandatory)] [string] $Token, [Parameter(Mandatory)] [System.Collections.IDictionary] $Claims)
    $parts = $Token.Split('.')
    $parts[1] = ConvertTo-TestBase64Url ([System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $Claims -Compress -Depth 5)))
    $parts -join '.'
}
