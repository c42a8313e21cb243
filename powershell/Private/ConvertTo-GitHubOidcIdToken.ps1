function ConvertTo-GitHubOidcIdToken {
    <#
        .SYNOPSIS
        Get-GitHubOidcToken's object: a GitHubOidc.Token (as ConvertFrom-GitHubOidcToken's, verified)
        whose raw token is only in a hidden SecureString property, IdToken.

        .DESCRIPTION
        The native answer carries the token as its UTF-8 bytes (numbers, not text: the redaction
        of every answer's strings would remove it). They are appended one by one to a read-only
        SecureString and the array is cleared, so the token is never a .NET string here. The
        base object is an instance of a class with a `hidden` IdToken property (defined on first
        use: private files hold only functions), so the token is in no default view, no
        Format-List * and no Get-Member without -Force, while $token.IdToken still gives it and
        binds by property name (Resolve-GitHubOidcSubject -IdToken).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The token's UTF-8 bytes from the native answer (token_utf8); cleared here.
        [Parameter(Mandatory)]
        [object[]] $Utf8,

        # The native verification (valid, failures, claims, header, ...).
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Verification,

        # The URL that was requested (no credential in it).
        [Parameter()]
        [string] $RequestUrl
    )

    if (-not $script:GitHubOidcIdTokenType) {
        # A class whose IdToken property PowerShell hides from views.
        $script:GitHubOidcIdTokenType = . ([scriptblock]::Create(@'
class GitHubOidcIdTokenHolder {
    hidden [securestring] $IdToken
    GitHubOidcIdTokenHolder([securestring] $token) { $this.IdToken = $token }
    [string] ToString() { return 'GitHubOidc.Token' }
}
[GitHubOidcIdTokenHolder]
'@))
    }
    $secure = [securestring]::new()
    for ($i = 0; $i -lt $Utf8.Count; $i++) {
        $secure.AppendChar([char][int]$Utf8[$i])
        $Utf8[$i] = 0
    }
    $secure.MakeReadOnly()

    $table = $Verification['claims']
    if ($table -isnot [System.Collections.IDictionary]) { $table = @{} }
    $time = {
        param($Value)
        if ($Value -is [long] -or $Value -is [int] -or $Value -is [double]) {
            [System.DateTimeOffset]::FromUnixTimeSeconds([long]$Value).UtcDateTime
        }
    }
    $valid = [bool]$Verification['valid']
    $failures = [string[]]@($Verification['failures'] | Where-Object { $_ })
    $warnings = [string[]]@($Verification['warnings'] | Where-Object { $_ })
    foreach ($warning in $warnings) { Write-Warning $warning }

    $object = [psobject]::new($script:GitHubOidcIdTokenType::new($secure))
    $object.PSObject.TypeNames.Insert(0, 'GitHubOidc.Token')
    $properties = [ordered]@{
        Verified   = $valid
        Valid      = $valid
        Failures   = $failures
        Warning    = if ($valid) { $null } else { "NOT VALID: $($failures -join '; ')" }
        Issuer     = $table['iss']
        Subject    = $table['sub']
        Audience   = $table['aud']
        IssuedAt   = & $time $table['iat']
        NotBefore  = & $time $table['nbf']
        ExpiresAt  = & $time $table['exp']
        Header     = ConvertTo-GitHubOidcTokenObject -Table $Verification['header']
        Claims     = ConvertTo-GitHubOidcTokenObject -Table $table
        JwksUri    = $Verification['jwks_uri']
        RequestUrl = $RequestUrl
    }
    foreach ($name in $properties.Keys) {
        $object.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new($name, $properties[$name]))
    }
    $object
}
