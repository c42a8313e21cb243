function Get-GitHubOidcPropertyClaim {
    <#
        .SYNOPSIS
        Lists the repository custom properties GitHub adds to OIDC tokens as repo_property_* claims.

        .DESCRIPTION
        Reads the OIDC custom-property inclusions of an organization (including those it inherits
        from its enterprise) or of an enterprise. Each inclusion makes GitHub add the claim
        repo_property_<name> to tokens of repositories that have the property; the claim key can
        then be used in a subject template (Set-GitHubOidcSubjectClaim -IncludeClaimKeys).
        github.com and GitHub Enterprise Cloud only (not GitHub Enterprise Server).

        .PARAMETER Owner
        The organization.

        .PARAMETER Enterprise
        The enterprise slug.

        .PARAMETER Context
        Where to connect and with which token. Omitted: GH_HOST if set, else github.com. A string
        is a host name; an object or hashtable may carry HostName, ApiBaseUri, IssuerUri, Token
        (string or SecureString). Token when the context has none: GH_TOKEN, GITHUB_TOKEN, gh.

        .EXAMPLE
        Get-GitHubOidcPropertyClaim -Owner octo-org

        Name         ClaimKey                   Source
        ----         --------                   ------
        workspace_id repo_property_workspace_id organization

        .EXAMPLE
        $keys = (Get-GitHubOidcPropertyClaim -Owner octo-org).ClaimKey
        Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys (@('repo') + $keys + 'context')

        Puts every included property into the organization's subject template.

        .OUTPUTS
        GitHubOidc.PropertyClaim: Name, ClaimKey, Source (organization or enterprise), Owner or Enterprise.

        .NOTES
        REST: https://docs.github.com/rest/actions/oidc#list-oidc-custom-property-inclusions-for-an-organization
        (API version 2026-03-10). Permission: organization "Administration" (read) or the classic
        scope read:org; enterprise: a classic token with admin:enterprise.

        .LINK
        Add-GitHubOidcPropertyClaim

        .LINK
        Remove-GitHubOidcPropertyClaim
    #>
    [CmdletBinding(
        DefaultParameterSetName = 'List OIDC custom property inclusions for an organization')]
    [OutputType('GitHubOidc.PropertyClaim')]
    param(
        # The organization.
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName,
            ParameterSetName = 'List OIDC custom property inclusions for an organization')]
        [Alias('Organization', 'User', 'Org')]
        [ValidateNotNullOrEmpty()]
        [string] $Owner,

        # The enterprise slug.
        [Parameter(Mandatory, ValueFromPipelineByPropertyName,
            ParameterSetName = 'List OIDC custom property inclusions for an enterprise')]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise,

        # Where to connect and with which token.
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
    }

    process {
        $target = if ($Owner) { $Owner } else { $Enterprise }
        $request = [GitHubOidc.Native.ListPropertyClaimsRequest]@{ Context = $state.Context; Owner = $Owner; Enterprise = $Enterprise }
        $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $target
        if ($null -eq $answer) { return }
        foreach ($item in @($answer)) {
            ConvertTo-GitHubOidcPropertyClaim -Answer $item -Owner $Owner -Enterprise $Enterprise
        }
    }
}
