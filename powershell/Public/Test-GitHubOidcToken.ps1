function Test-GitHubOidcToken {
    <#
        .SYNOPSIS
        Verifies a GitHub Actions OIDC ID token against its issuer's signing keys.

        .DESCRIPTION
        Runs every check a relying party (AWS, Azure, GCP, Vault, a package registry) runs, and
        reports each one that fails:

        - algorithm: RS256.
        - key and signature: the token's kid is in the JWKS named by the issuer's discovery
          document, and the RS256 signature matches. The JWKS is cached per issuer for the
          session and read again once when the token's kid is unknown (key rotation).
        - issuer: allowed for the context: its issuer (github.com
          https://token.actions.githubusercontent.com, GHE.com
          https://token.actions.SUBDOMAIN.ghe.com, GHES https://HOST/_services/token) and the
          enterprise-scoped form ISSUER/<enterprise> (the one given with -Enterprise, else the
          one in the token's iss). Keys are never fetched from an issuer that is not allowed.
        - enterprise: for an enterprise-scoped issuer, the token's enterprise claim equals the slug.
        - expiry, not_before, issued_at: exp, nbf and iat with 60 seconds of clock skew.
        - audience: aud contains -Audience (skipped, with a warning, when -Audience is omitted).

        A token from an enterprise-scoped issuer can be valid here and still be rejected by
        relying parties that trust only https://token.actions.githubusercontent.com (npm and
        PyPI trusted publishing, for example): the output says so in Warnings.

        No GitHub token is needed: discovery documents and key sets are public.

        .PARAMETER Token
        The ID token (JWT) to verify. Accepts pipeline input.

        .PARAMETER Audience
        The audience the relying party expects, e.g. sts.amazonaws.com,
        api://AzureADTokenExchange, or GitHub's default https://github.com/OWNER.

        .PARAMETER Enterprise
        The enterprise slug whose enterprise-scoped issuer (ISSUER/<slug>) is allowed. Omitted:
        the enterprise-scoped issuer named in the token's iss is allowed when it belongs to the
        context's issuer.

        .PARAMETER Context
        Which instance issued the token. Omitted: GH_HOST if set, else github.com. A string is a
        host name; an object or hashtable may carry HostName, ApiBaseUri, IssuerUri. Any GitHub
        token in it is ignored.

        .EXAMPLE
        Test-GitHubOidcToken -Token $idToken -Audience sts.amazonaws.com

        Verifies a github.com token meant for AWS; Valid is $true or Failures says why not.

        .EXAMPLE
        $idToken | Test-GitHubOidcToken -Context github.example.com | Select-Object Valid, Failures

        Verifies a token from GitHub Enterprise Server (issuer https://github.example.com/_services/token).

        .EXAMPLE
        Test-GitHubOidcToken -Token $idToken -Enterprise octocat-inc

        Allows the enterprise-scoped issuer https://token.actions.githubusercontent.com/octocat-inc.

        .OUTPUTS
        GitHubOidc.TokenVerification: Valid, Failures (one reason per failed check), Checks
        (Name, Passed, Reason), Claims, Header, Issuer, EnterpriseScoped, Warnings,
        AllowedIssuers, JwksUri, KeysRefreshed.

        .NOTES
        Token verification: https://docs.github.com/actions/concepts/security/openid-connect
        Enterprise-scoped issuers: https://docs.github.com/actions/reference/security/oidc
        (include_enterprise_slug; see Set-GitHubOidcIssuer).
        Only the discovery document and JWKS of an allowed issuer are requested.

        .LINK
        ConvertFrom-GitHubOidcToken

        .LINK
        Set-GitHubOidcIssuer
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.TokenVerification')]
    param(
        # The ID token (JWT) to verify.
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string] $Token,

        # The audience the relying party expects, e.g.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Audience,

        # The enterprise slug whose enterprise-scoped issuer (ISSUER/<slug>) is allowed.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise,

        # Which instance issued the token.
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -NoToken -Cmdlet $PSCmdlet
    }

    process {
        Write-Verbose "GitHubOidc: verifying a token against the issuers of $($state.Target) ($($state.Info['issuer_uri']))."
        $request = [GitHubOidc.Native.VerifyTokenRequest]@{ Context = $state.Context; Token = $Token; Audience = $Audience; Enterprise = $Enterprise }
        $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $state.Target
        if ($null -eq $answer) { return }

        $warnings = [string[]]@($answer['warnings'] | Where-Object { $_ })
        foreach ($warning in $warnings) {
            Write-Warning $warning
        }
        $checks = foreach ($check in @($answer['checks'])) {
            if ($check -is [System.Collections.IDictionary]) {
                [pscustomobject][ordered]@{
                    Name   = [string]$check['name']
                    Passed = [bool]$check['passed']
                    Reason = $check['reason']
                }
            }
        }
        [pscustomobject][ordered]@{
            PSTypeName       = 'GitHubOidc.TokenVerification'
            Valid            = [bool]$answer['valid']
            Failures         = [string[]]@($answer['failures'] | Where-Object { $_ })
            Checks           = @($checks)
            Issuer           = $answer['issuer']
            EnterpriseScoped = [bool]$answer['enterprise_scoped']
            Warnings         = $warnings
            Claims           = ConvertTo-GitHubOidcTokenObject -Table $answer['claims']
            Header           = ConvertTo-GitHubOidcTokenObject -Table $answer['header']
            AllowedIssuers   = [string[]]@($answer['allowed_issuers'])
            JwksUri          = $answer['jwks_uri']
            KeysRefreshed    = [bool]$answer['keys_refreshed']
        }
    }
}
