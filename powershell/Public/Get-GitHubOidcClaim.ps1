function Get-GitHubOidcClaim {
    <#
        .SYNOPSIS
        Gets the claim keys a GitHub instance's OIDC tokens support, from its discovery document.

        .DESCRIPTION
        Reads `claims_supported` from the OpenID Connect discovery document of the instance's
        token issuer and returns the claim names. No token is needed or sent, and gh is never run:
        the discovery endpoint is public.

        The issuer follows the host:
        | Host               | Discovery document                                                           |
        | github.com         | https://token.actions.githubusercontent.com/.well-known/openid-configuration |
        | SUBDOMAIN.ghe.com  | https://token.actions.SUBDOMAIN.ghe.com/.well-known/openid-configuration     |
        | GHES host          | https://HOST/_services/token/.well-known/openid-configuration                |
        An IssuerUri in the context overrides it; -Enterprise uses the enterprise issuer
        (ISSUER/<enterprise slug>).

        The document is cached per issuer for the session, so repeated calls (and tab completion
        of -IncludeClaimKeys) make no further request.

        .PARAMETER Context
        Which instance. Omitted: GH_HOST if set, else github.com. A string is a host name. An
        object or hashtable may carry HostName, ApiBaseUri, IssuerUri, TimeoutSec, MaxRetries
        (PSModule/GitHub context objects work as they are). Any token in it is ignored.

        .PARAMETER Enterprise
        The enterprise slug, for enterprises whose issuer includes the slug
        (https://token.actions.githubusercontent.com/<slug>).

        .EXAMPLE
        Get-GitHubOidcClaim

        Lists the claim keys of github.com.

        .EXAMPLE
        Get-GitHubOidcClaim -Context octocorp.ghe.com

        Lists the claim keys of a GHE.com (data residency) instance.

        .EXAMPLE
        Get-GitHubOidcClaim -Context github.example.com | Where-Object { $_ -like 'repository*' }

        Lists the repository claims of a GitHub Enterprise Server instance.

        .OUTPUTS
        System.String

        .NOTES
        OIDC discovery: https://docs.github.com/actions/reference/security/oidc
        Permissions: none, the discovery document is public.

        .LINK
        https://github.com/GitHubOidc/GitHubOidc

        .LINK
        Set-GitHubOidcSubjectClaim

        .LINK
        Get-GitHubOidcSubjectClaim
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param(
        # Which instance: a host name, or an object with HostName, ApiBaseUri, IssuerUri, ...
        [Parameter(Position = 0)]
        [object] $Context,

        # The enterprise slug, for an issuer that includes it.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise
    )

    $state = Initialize-GitHubOidcContext -Context $Context -NoToken -Cmdlet $PSCmdlet

    Write-Verbose "GitHubOidc: reading the OIDC discovery document of $($state.Target) from $($state.Info['discovery_uri'])."
    $request = [GitHubOidc.Native.DiscoverRequest]@{ Context = $state.Context; Enterprise = $Enterprise }
    $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $state.Target
    if ($null -eq $answer) { return }
    [string[]]@($answer['claims_supported'])
}
