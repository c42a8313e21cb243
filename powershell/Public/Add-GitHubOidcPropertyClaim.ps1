function Add-GitHubOidcPropertyClaim {
    <#
        .SYNOPSIS
        Includes a repository custom property in OIDC tokens as a repo_property_<name> claim.

        .DESCRIPTION
        Creates an OIDC custom-property inclusion for an organization or an enterprise (POST). From
        then on, tokens of repositories that have the property carry the claim
        repo_property_<name> (multi-select values comma-joined, booleans as "true"/"false"),
        which a subject template can use. A name given as repo_property_<name> is accepted.
        -WhatIf sends nothing; an inclusion that already exists is GitHubOidc.ValidationFailed.
        github.com and GitHub Enterprise Cloud only (not GitHub Enterprise Server).

        .PARAMETER Owner
        The organization.

        .PARAMETER Enterprise
        The enterprise slug.

        .PARAMETER Name
        The custom property's name (or repo_property_<name>).

        .PARAMETER Context
        Where to connect and with which token. Omitted: GH_HOST if set, else github.com. A string
        is a host name; an object or hashtable may carry HostName, ApiBaseUri, IssuerUri, Token
        (string or SecureString). Token when the context has none: GH_TOKEN, GITHUB_TOKEN, gh.

        .EXAMPLE
        Add-GitHubOidcPropertyClaim -Owner octo-org -Name workspace_id

        Tokens of octo-org's repositories get repo_property_workspace_id.

        .EXAMPLE
        'cost_center', 'environment_tier' | Add-GitHubOidcPropertyClaim -Enterprise octocat-inc -WhatIf

        Shows what would be added for the whole enterprise, without sending anything.

        .OUTPUTS
        GitHubOidc.PropertyClaim: the inclusion created.

        .NOTES
        REST: https://docs.github.com/rest/actions/oidc#create-an-oidc-custom-property-inclusion-for-an-organization
        (API version 2026-03-10). Permission: organization "Administration" (write) or the classic
        scope admin:org; enterprise: a classic token with admin:enterprise.

        .LINK
        Get-GitHubOidcPropertyClaim
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium',
        DefaultParameterSetName = 'Create an OIDC custom property inclusion for an organization')]
    [OutputType('GitHubOidc.PropertyClaim')]
    param(
        # The organization.
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName,
            ParameterSetName = 'Create an OIDC custom property inclusion for an organization')]
        [Alias('Organization', 'User', 'Org')]
        [ValidateNotNullOrEmpty()]
        [string] $Owner,

        # The enterprise slug.
        [Parameter(Mandatory, ValueFromPipelineByPropertyName,
            ParameterSetName = 'Create an OIDC custom property inclusion for an enterprise')]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise,

        # The custom property's name (or repo_property_<name>).
        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('custom_property_name')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Name,

        # Where to connect and with which token.
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
    }

    process {
        $scope = if ($Owner) { "organization [$Owner]" } else { "enterprise [$Enterprise]" }
        foreach ($property in $Name) {
            $request = [GitHubOidc.Native.AddPropertyClaimRequest]@{
                Context = $state.Context; Owner = $Owner; Enterprise = $Enterprise; Name = $property
            }
            # Dry run first: -WhatIf and -Confirm show the exact request.
            $sending = Get-GitHubOidcWritePlan -Request $request -Cmdlet $PSCmdlet -TargetObject $property
            $what = ConvertTo-GitHubOidcSafeText "OIDC custom property claim [$property] of $scope"
            if (-not $sending -or -not $PSCmdlet.ShouldProcess($what, "Add ($sending)")) {
                continue
            }
            $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $property
            if ($null -eq $answer) { continue }
            ConvertTo-GitHubOidcPropertyClaim -Answer $answer['result'] -Owner $Owner -Enterprise $Enterprise
        }
    }
}
