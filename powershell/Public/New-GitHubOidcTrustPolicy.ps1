function New-GitHubOidcTrustPolicy {
    <#
        .SYNOPSIS
        Writes the trust configuration a cloud provider needs to accept GitHub Actions tokens for given subjects.

        .DESCRIPTION
        Produces, as JSON text, what the provider's own CLI or REST API takes as written:

        - Aws: an IAM role trust policy (aws iam create-role --assume-role-policy-document
          file://policy.json): Federated principal
          arn:aws:iam::ACCOUNT:oidc-provider/<issuer host and path>, conditions
          <issuer>:aud and <issuer>:sub with StringEquals, or StringLike for wildcard subjects.
          Without -AwsAccountId the placeholder ACCOUNT_ID must be replaced.
        - Azure: one federated identity credential document per subject, each as
          'az ad app federated-credential create --id APP --parameters <document>' and the Graph
          API take it; audience
          api://AzureADTokenExchange unless -Audience. Wildcards are rejected (Entra ID matches
          subjects exactly).
        - Gcp: a workload identity pool OIDC provider body (gcloud iam
          workload-identity-pools providers create-oidc, or the REST API): attributeMapping,
          attributeCondition on assertion.sub, oidc.issuerUri.
        - Vault: a JWT auth role (vault write auth/jwt/role/NAME @role.json): bound_subject /
          bound_claims.sub, bound_audiences (default GitHub's https://github.com/OWNER). The
          issuer is not part of a role: configure it once on the auth method with
          'vault write auth/jwt/config oidc_discovery_url=<issuer> bound_issuer=<issuer>'. Add
          token_policies to the role for the Vault policies the workflow should get.

        Subjects are strings or the output of Resolve-GitHubOidcSubject (property Subject),
        given with -Subject or through the pipeline. With -IncludeLegacy, both the name-based
        (LegacySubject) and the immutable (ImmutableSubject) subject of each piped object are
        trusted, so a repository can move to immutable subjects without downtime.

        The issuer is the context's (github.com: https://token.actions.githubusercontent.com;
        GHE.com; GHES https://HOST/_services/token), its enterprise-scoped form with
        -Enterprise, or -Issuer as given. No request is made.

        .PARAMETER Provider
        Aws, Azure, Gcp or Vault.

        .PARAMETER Subject
        The subjects to trust: strings (may contain * and ? wildcards where the provider allows
        them) or objects with a Subject property, e.g. from Resolve-GitHubOidcSubject.

        .PARAMETER IncludeLegacy
        For piped Resolve-GitHubOidcSubject objects, trust both LegacySubject
        (repo:OWNER/REPO:...) and ImmutableSubject (repo:OWNER@ID/REPO@ID:...).

        .PARAMETER Audience
        The audience the workflow requests. Defaults: Aws sts.amazonaws.com, Azure
        api://AzureADTokenExchange, Gcp none (the provider's default), Vault
        https://github.com/OWNER.

        .PARAMETER AwsAccountId
        The 12-digit AWS account ID for the Federated principal.

        .PARAMETER Name
        Base name: Azure credential names, the GCP display name.

        .PARAMETER Enterprise
        Use the enterprise-scoped issuer ISSUER/<enterprise> (include_enterprise_slug).

        .PARAMETER Issuer
        The issuer URL to trust, as given (overrides -Context and -Enterprise).

        .PARAMETER Context
        Which instance issues the tokens. Omitted: GH_HOST if set, else github.com. A string is a
        host name; an object or hashtable may carry HostName, ApiBaseUri, IssuerUri.

        .EXAMPLE
        New-GitHubOidcTrustPolicy -Provider Aws -Subject 'repo:octo-org/octo-repo:ref:refs/heads/main' -AwsAccountId 123456789012 |
            Set-Content trust.json

        An IAM role trust policy for the main branch of octo-org/octo-repo.

        .EXAMPLE
        Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Environment prod | New-GitHubOidcTrustPolicy -Provider Azure -IncludeLegacy

        Federated credentials for the repository's real subject, in both the name-based and the immutable form.

        .EXAMPLE
        New-GitHubOidcTrustPolicy -Provider Gcp -Subject 'repo:octo-org/*' -Enterprise octocat-inc

        A GCP provider for every subject of octo-org, trusting the enterprise-scoped issuer.

        .EXAMPLE
        'repo:octo-org/octo-repo:environment:prod' | New-GitHubOidcTrustPolicy -Provider Vault -Audience https://vault.example.com

        A Vault JWT role.

        .OUTPUTS
        System.String: the JSON text (indented).

        .NOTES
        AWS: https://docs.github.com/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
        Azure: https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust
        GCP: https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines
        Vault: https://developer.hashicorp.com/vault/docs/auth/jwt
        Prefer the immutable subject (or both, during a migration): names can be reused after a
        rename or transfer, IDs cannot.

        .LINK
        Resolve-GitHubOidcSubject
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Only returns JSON text: nothing is created or changed, no request is made.')]
    [CmdletBinding(DefaultParameterSetName = 'Context')]
    [OutputType([string])]
    param(
        # Aws, Azure, Gcp or Vault.
        [Parameter(Mandatory, Position = 0)]
        [ValidateSet('Aws', 'Azure', 'Gcp', 'Vault')]
        [string] $Provider,

        # The subjects to trust: strings (may contain * and ?
        [Parameter(Mandatory, Position = 1, ValueFromPipeline)]
        [ValidateNotNull()]
        [object[]] $Subject,

        # For piped Resolve-GitHubOidcSubject objects, trust both LegacySubject (repo:OWNER/REPO:...) and ImmutableSubject ...
        [Parameter()]
        [switch] $IncludeLegacy,

        # The audience the workflow requests.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Audience,

        # The 12-digit AWS account ID for the Federated principal.
        [Parameter()]
        [ValidatePattern('^\d{12}$')]
        [string] $AwsAccountId,

        # Base name: Azure credential names, the GCP display name.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        # Use the enterprise-scoped issuer ISSUER/<enterprise> (include_enterprise_slug).
        [Parameter(ParameterSetName = 'Context')]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise,

        # The issuer URL to trust, as given (overrides -Context and -Enterprise).
        [Parameter(Mandatory, ParameterSetName = 'Issuer')]
        [ValidateNotNullOrEmpty()]
        [string] $Issuer,

        # Which instance issues the tokens.
        [Parameter(ParameterSetName = 'Context')]
        [object] $Context
    )

    begin {
        $subjects = [System.Collections.Generic.List[string]]::new()
        $add = {
            param($Value)
            if ($null -ne $Value -and "$Value".Trim() -ne '' -and -not $subjects.Contains("$Value")) {
                $subjects.Add("$Value")
            }
        }
        $state = $null
        if ($PSCmdlet.ParameterSetName -eq 'Context') {
            $state = Initialize-GitHubOidcContext -Context $Context -NoToken -Cmdlet $PSCmdlet
        }
    }

    process {
        foreach ($item in $Subject) {
            $value = if ($item -is [System.Management.Automation.PSObject]) { $item.PSObject.BaseObject } else { $item }
            if ($value -is [string]) {
                & $add $value
                continue
            }
            $object = [System.Management.Automation.PSObject]::AsPSObject($item)
            $main = $object.PSObject.Properties['Subject']
            if (-not $main) {
                $message = 'A subject must be a string or an object with a Subject property (from Resolve-GitHubOidcSubject), ' +
                "not [$($value.GetType().FullName)]."
                $PSCmdlet.WriteError((New-GitHubOidcErrorRecord -TargetObject $item -Message $message))
                continue
            }
            & $add $main.Value
            if ($IncludeLegacy) {
                foreach ($property in 'LegacySubject', 'ImmutableSubject') {
                    $alternative = $object.PSObject.Properties[$property]
                    if ($alternative) {
                        & $add $alternative.Value
                    }
                }
            }
        }
    }

    end {
        if ($subjects.Count -eq 0) {
            $message = 'No subject was given: pass -Subject or pipe strings or Resolve-GitHubOidcSubject output.'
            $PSCmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -Message $message))
        }
        $request = [GitHubOidc.Native.TrustPolicyRequest]@{
            Provider     = $Provider
            Subjects     = [string[]]$subjects.ToArray()
            Audience     = $Audience
            Issuer       = $Issuer
            Context      = if ($state) { $state.Context } else { $null }
            Enterprise   = $Enterprise
            AwsAccountId = $AwsAccountId
            Name         = $Name
        }
        $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $Provider -Terminating
        Write-Verbose "GitHubOidc: $Provider trust for $($subjects.Count) subject(s), issuer $($answer['issuer'])."
        foreach ($warning in @($answer['warnings'])) {
            if ($warning) {
                $PSCmdlet.WriteWarning([string]$warning)
            }
        }
        foreach ($document in @($answer['documents'])) {
            [string]$document
        }
    }
}
