function Remove-GitHubOidcPropertyClaim {
    <#
        .SYNOPSIS
        Stops including a repository custom property in OIDC tokens.

        .DESCRIPTION
        Deletes an OIDC custom-property inclusion of an organization or an enterprise (DELETE).
        Tokens no longer carry repo_property_<name>; a subject template that still names that
        key will fail for those repositories, so remove it from templates first. A name given
        as repo_property_<name> is accepted. -WhatIf sends nothing; a missing inclusion is
        GitHubOidc.NotFound.
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
        Remove-GitHubOidcPropertyClaim -Owner octo-org -Name workspace_id

        Asks for confirmation, then removes the inclusion.

        .EXAMPLE
        Get-GitHubOidcPropertyClaim -Owner octo-org | Where-Object Source -eq organization | Remove-GitHubOidcPropertyClaim -Confirm:$false

        Removes every inclusion the organization defines itself.

        .OUTPUTS
        None.

        .NOTES
        REST: https://docs.github.com/rest/actions/oidc#delete-an-oidc-custom-property-inclusion-for-an-organization
        (API version 2026-03-10). Permission: organization "Administration" (write) or the classic
        scope admin:org; enterprise: a classic token with admin:enterprise.

        .LINK
        Get-GitHubOidcPropertyClaim
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High',
        DefaultParameterSetName = 'Delete an OIDC custom property inclusion for an organization')]
    [OutputType([void])]
    param(
        # The organization.
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName,
            ParameterSetName = 'Delete an OIDC custom property inclusion for an organization')]
        [Alias('Organization', 'User', 'Org')]
        [ValidateNotNullOrEmpty()]
        [string] $Owner,

        # The enterprise slug.
        [Parameter(Mandatory, ValueFromPipelineByPropertyName,
            ParameterSetName = 'Delete an OIDC custom property inclusion for an enterprise')]
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
            $request = [GitHubOidc.Native.RemovePropertyClaimRequest]@{
                Context = $state.Context; Owner = $Owner; Enterprise = $Enterprise; Name = $property
            }
            # Dry run first: -WhatIf and -Confirm show the exact request.
            $sending = Get-GitHubOidcWritePlan -Request $request -Cmdlet $PSCmdlet -TargetObject $property
            $what = ConvertTo-GitHubOidcSafeText "OIDC custom property claim [$property] of $scope"
            if (-not $sending -or -not $PSCmdlet.ShouldProcess($what, "Remove ($sending)")) {
                continue
            }
            $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $property
            if ($null -eq $answer) { continue }
            Write-Verbose (ConvertTo-GitHubOidcSafeText "GitHubOidc: removed the OIDC custom property claim [$property] of $scope.")
        }
    }
}
