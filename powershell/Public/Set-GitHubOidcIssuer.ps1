function Set-GitHubOidcIssuer {
    <#
        .SYNOPSIS
        Sets whether an enterprise's OIDC tokens use the enterprise-scoped issuer (include_enterprise_slug).

        .DESCRIPTION
        Calls PUT /enterprises/{enterprise}/actions/oidc/customization/issuer with
        {"include_enterprise_slug": true|false} (GitHub Enterprise Cloud, and GHE.com).

        With -IncludeEnterpriseSlug $true, every token issued to the enterprise's workflows
        carries
            iss: https://token.actions.githubusercontent.com/<enterprise>
        instead of https://token.actions.githubusercontent.com (on GHE.com:
        https://token.actions.SUBDOMAIN.ghe.com/<enterprise>), plus the enterprise claim.

        The trade-off:
        - For: a cloud provider can trust your enterprise's issuer only, so a token from any
          other GitHub enterprise or account can never match a trust policy, however its
          subject looks. This is the recommended way to scope cloud trust to an enterprise.
        - Against: every relying party must trust the new issuer URL. Trust policies written for
          the standard issuer (AWS IAM OIDC providers, Azure federated credentials, GCP
          workload identity providers, Vault) stop matching, and relying parties that trust only
          https://token.actions.githubusercontent.com reject the tokens with 401 - notably npm
          and PyPI trusted publishing, which do not accept enterprise-scoped issuers (the token
          exchange answers "OIDC token exchange error - unauthorized" although every other
          claim is right). Enabling the slug therefore breaks trusted publishing to those
          registries until they accept enterprise-scoped issuers.
        Before switching, create trust for the new issuer (New-GitHubOidcTrustPolicy -Enterprise
        <slug>) next to the old one, and check a token with Test-GitHubOidcToken.

        The change applies to the whole enterprise and there is no API to read the current
        setting. -WhatIf sends nothing; -Confirm (the default for this high-impact change, use
        -Confirm:$false in scripts) prompts with the target.

        .PARAMETER Enterprise
        The enterprise slug (as in https://github.com/enterprises/<slug>).

        .PARAMETER IncludeEnterpriseSlug
        $true: tokens use the enterprise-scoped issuer ISSUER/<enterprise>. $false: the
        standard issuer.

        .PARAMETER PassThru
        Return an object with the enterprise, the setting sent and the resulting issuer.

        .PARAMETER Context
        Where to connect and with which token. Omitted: GH_HOST if set, else github.com. A string
        is a host name; an object or hashtable may carry HostName, ApiBaseUri, IssuerUri, Token
        (string or SecureString). Token when the context has none: GH_TOKEN, GITHUB_TOKEN, gh.

        .EXAMPLE
        Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $true -WhatIf

        Shows what would change, without sending anything.

        .EXAMPLE
        Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $true -Confirm:$false -PassThru

        Switches the enterprise to https://token.actions.githubusercontent.com/octocat-inc and
        returns the new issuer.

        .EXAMPLE
        Set-GitHubOidcIssuer -Enterprise octocat-inc -IncludeEnterpriseSlug $false

        Goes back to the standard issuer (e.g. so npm trusted publishing works again).

        .OUTPUTS
        None, or with -PassThru GitHubOidc.Issuer: Enterprise, IncludeEnterpriseSlug, Issuer.

        .NOTES
        REST: https://docs.github.com/rest/actions/oidc#set-the-github-actions-oidc-custom-issuer-policy-for-an-enterprise
        Permission: a classic personal access token with the admin:enterprise scope (GitHub
        Apps and fine-grained tokens cannot use this endpoint). GitHub answers 204.
        npm/PyPI rejection of enterprise-scoped issuers: pypi/warehouse#17700 and the GitHub
        Community discussion on enterprise-scoped OIDC issuers.

        .LINK
        Test-GitHubOidcToken

        .LINK
        New-GitHubOidcTrustPolicy
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('GitHubOidc.Issuer')]
    param(
        # The enterprise slug (as in https://github.com/enterprises/<slug>).
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise,

        # $true: tokens use the enterprise-scoped issuer ISSUER/<enterprise>.
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [bool] $IncludeEnterpriseSlug,

        # Return an object with the enterprise, the setting sent and the resulting issuer.
        [Parameter()]
        [switch] $PassThru,

        # Where to connect and with which token.
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
    }

    process {
        $request = [GitHubOidc.Native.SetEnterpriseIssuerRequest]@{
            Context = $state.Context; Enterprise = $Enterprise; IncludeEnterpriseSlug = $IncludeEnterpriseSlug
        }
        # Dry run first: -WhatIf and -Confirm show the exact request and the issuer warning.
        $sending = Get-GitHubOidcWritePlan -Request $request -Cmdlet $PSCmdlet -TargetObject $Enterprise
        $what = ConvertTo-GitHubOidcSafeText "OIDC issuer policy for enterprise [$Enterprise]"
        if (-not $sending -or -not $PSCmdlet.ShouldProcess($what, "Set ($sending)")) {
            return
        }
        $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $Enterprise
        if ($null -eq $answer) { return }
        if ($PassThru) {
            [pscustomobject][ordered]@{
                PSTypeName            = 'GitHubOidc.Issuer'
                Enterprise            = $Enterprise
                IncludeEnterpriseSlug = $IncludeEnterpriseSlug
                Issuer                = [string]$answer['issuer']
            }
        }
    }
}
