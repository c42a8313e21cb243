function ConvertFrom-GitHubOidcToken {
    <#
        .SYNOPSIS
        Decodes the header and claims of an OIDC ID token WITHOUT verifying it.

        .DESCRIPTION
        Shows what a GitHub Actions ID token (a JWT) says: its header (alg, kid, ...) and its
        claims (iss, sub, aud, repository, ref, environment, ...), with the times as dates.

        NOTHING IS VERIFIED: not the signature, not the issuer, not the expiry, not the audience.
        Anyone can write a token that decodes. The output says so (Verified = $false). Use
        Test-GitHubOidcToken to verify a token against its issuer's keys.

        No request is made and no GitHub token is needed.

        .PARAMETER Token
        The ID token (JWT): three base64url parts separated by dots. Accepts pipeline input.

        .EXAMPLE
        ConvertFrom-GitHubOidcToken -Token $idToken | Select-Object -ExpandProperty Claims

        Lists the claims of a token, unverified.

        .EXAMPLE
        $idToken | ConvertFrom-GitHubOidcToken | Select-Object Subject, Issuer, ExpiresAt

        Shows the subject, the issuer and when the token expires.

        .OUTPUTS
        GitHubOidc.Token: Verified ($false, always), Warning, Issuer, Subject, Audience,
        IssuedAt, NotBefore, ExpiresAt (UTC DateTime), Header and Claims (objects).

        .NOTES
        Inside a workflow, a token is requested with permissions id-token: write, e.g.
        core.getIDToken(audience) in actions/github-script. A token is a credential until it
        expires: do not log it.

        .LINK
        Test-GitHubOidcToken

        .LINK
        Resolve-GitHubOidcSubject
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.Token')]
    param(
        # The ID token (JWT): three base64url parts separated by dots.
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string] $Token
    )

    process {
        $answer = Invoke-GitHubOidcNative -Request ([GitHubOidc.Native.DecodeTokenRequest]@{ Token = $Token }) -Cmdlet $PSCmdlet -TargetObject 'Token'
        if ($null -eq $answer) { return }
        $header = ConvertTo-GitHubOidcTokenObject -Table $answer['header']
        $claims = ConvertTo-GitHubOidcTokenObject -Table $answer['claims']
        $time = {
            param($Value)
            if ($Value -is [long] -or $Value -is [int] -or $Value -is [double]) {
                [System.DateTimeOffset]::FromUnixTimeSeconds([long]$Value).UtcDateTime
            }
        }
        $table = $answer['claims']
        [pscustomobject][ordered]@{
            PSTypeName = 'GitHubOidc.Token'
            Verified   = $false
            Warning    = 'UNVERIFIED: decoded only. The signature, issuer, expiry and audience were not checked; use Test-GitHubOidcToken.'
            Issuer     = $table['iss']
            Subject    = $table['sub']
            Audience   = $table['aud']
            IssuedAt   = & $time $table['iat']
            NotBefore  = & $time $table['nbf']
            ExpiresAt  = & $time $table['exp']
            Header     = $header
            Claims     = $claims
        }
    }
}
