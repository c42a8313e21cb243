function Set-GitHubOidcSubjectClaim {
    <#
        .SYNOPSIS
        Sets the OIDC subject claim (sub) customization template of an organization or a repository.

        .DESCRIPTION
        Creates or updates the template that decides the `sub` claim of the OIDC tokens GitHub
        Actions issues.

        Organization (-Owner only):
        - -IncludeClaimKeys sets the keys, in order (the whole `sub` follows this order).
        - -UseDefault resets the template to the default keys repo, context.

        Repository (-Owner and -Repository):
        - -IncludeClaimKeys sets custom keys (use_default false).
        - -UseDefault alone resets to GitHub's default format (use_default true).
        - -UseDefault:$false alone opts the repository in to its organization's template
          (use_default false, no keys). An organization template has no effect on a repository
          until the repository opts in.
        - -UseDefault together with keys (PSModule/GitHub style) sends use_default true; GitHub
          ignores the keys, and a warning says so.

        -UseImmutableSubject sets the immutable-subject opt-in (repo:OWNER@ID/REPO@ID). On its
        own, it keeps the repository's current template.

        Claim keys are checked before anything is sent: letters, digits and underscores only, no
        duplicates, and known to the instance (its discovery document, plus repo, context and
        repo_property_*). An unknown key is an error naming the closest valid keys;
        -AllowUnknownClaimKey sends it anyway. -WhatIf sends nothing at all.

        -WhatIf and -Confirm show the exact request (method, URL, JSON body), and what is sent
        after the confirmation is exactly that request. -UseImmutableSubject on its own computes the
        body from the repository's current template (and its organization's): that template is read
        again right before sending, and when it changed on GitHub after the request was shown,
        nothing is sent and a GitHubOidc.Conflict error says what changed; run the command again to
        review the request for the current state.

        Objects from Get-GitHubOidcSubjectClaim can be piped in (Owner, Repository, UseDefault and
        IncludeClaimKeys bind by property name), e.g. to copy templates. UseImmutableSubject does
        not bind from the pipeline: GitHub reports it as false for repositories that already use
        immutable subjects, so copying it could opt a repository out; pass it explicitly.

        .PARAMETER Owner
        The organization name, or the account that owns the repository. Aliases: Organization, User.

        .PARAMETER Repository
        The repository name, without the .git extension. Alias: Repo.

        .PARAMETER IncludeClaimKeys
        The claim keys that make up the subject, in order, e.g. repository_owner_id, context.
        Press Tab to complete them from the instance's discovery document.

        .PARAMETER UseDefault
        Organization: reset to repo, context. Repository: -UseDefault uses GitHub's default
        format; -UseDefault:$false without keys uses the organization's template.

        .PARAMETER UseImmutableSubject
        $true opts in to immutable subjects (OWNER@ID/REPO@ID); $false opts out.

        .PARAMETER AllowUnknownClaimKey
        Send claim keys that the instance's discovery document does not list (syntax and
        duplicates are still checked).

        .PARAMETER PassThru
        Read the template back after setting it and return it.

        .PARAMETER Context
        Where to connect and with which token. Omitted: GH_HOST if set, else github.com. A string
        is a host name. An object or hashtable may carry HostName, ApiBaseUri, IssuerUri, Token
        (string or SecureString), TimeoutSec, MaxRetries and MaxRetryWaitSec; PSModule/GitHub
        context objects work as they are. Without a token in the context the token comes from
        GH_TOKEN, then GITHUB_TOKEN, then 'gh auth token'.

        .EXAMPLE
        Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repository_owner_id, context

        Sets the organization template. Repositories use it once they opt in.

        .EXAMPLE
        Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -UseDefault:$false

        Opts the repository in to its organization's template.

        .EXAMPLE
        Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context, job_workflow_ref -PassThru

        Gives the repository its own template and returns it as read back from GitHub.

        .EXAMPLE
        Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -UseDefault -WhatIf

        Shows what would be reset to GitHub's default format, without sending anything.

        .EXAMPLE
        Get-GitHubOidcSubjectClaim -Owner octo-org -Repository template-repo | Set-GitHubOidcSubjectClaim -Repository new-repo

        Copies one repository's template to another repository.

        .INPUTS
        Any object with Owner and optionally Repository, UseDefault and IncludeClaimKeys
        properties (such as the output of Get-GitHubOidcSubjectClaim).

        .OUTPUTS
        None by default. GitHubOidc.SubjectClaim with -PassThru.

        .NOTES
        REST API:
        https://docs.github.com/rest/actions/oidc#set-the-customization-template-for-an-oidc-subject-claim-for-an-organization
        https://docs.github.com/rest/actions/oidc#set-the-customization-template-for-an-oidc-subject-claim-for-a-repository

        Permissions:
        | Endpoint | Fine-grained token permission | Classic scope |
        | Org PUT  | Administration org (write)    | write:org     |
        | Repo PUT | Actions repo (write)          | repo          |

        .LINK
        https://github.com/GitHubOidc/GitHubOidc

        .LINK
        Get-GitHubOidcSubjectClaim

        .LINK
        Get-GitHubOidcClaim
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Set the customization template for an OIDC subject claim for an organization')]
    [OutputType('GitHubOidc.SubjectClaim')]
    param(
        # The organization name, or the account that owns the repository.
        [Parameter(Mandatory, ValueFromPipelineByPropertyName, Position = 0)]
        [Alias('Organization', 'User', 'Org')]
        [ValidateNotNullOrEmpty()]
        [string] $Owner,

        # The repository name, without the .git extension.
        [Parameter(
            Mandatory, ValueFromPipelineByPropertyName, Position = 1,
            ParameterSetName = 'Set the customization template for an OIDC subject claim for a repository'
        )]
        # The repository name, without the .git extension.
        [Alias('Repo')]
        [ValidateNotNullOrEmpty()]
        [string] $Repository,

        # The claim keys that make up the subject, in order.
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [AllowEmptyCollection()]
        # Tab: the claim keys of the context's issuer. The attribute's block runs in the caller's
        # scope, so it completes inside the command's module (GitHubOidc.psm1).
        [ArgumentCompleter({
                $module = $ExecutionContext.InvokeCommand.GetCommand($args[0], 'Function').Module
                if ($module) { & $module { & $script:GitHubOidcClaimKeyCompleter @args } @args }
            })]
        [string[]] $IncludeClaimKeys,

        # Organization: reset to repo, context. Repository: GitHub's default format ($false: the organization's template).
        [Parameter(ValueFromPipelineByPropertyName)]
        [switch] $UseDefault,

        # Opt in to ($true) or out of ($false) immutable subjects.
        [Parameter()]
        [bool] $UseImmutableSubject,

        # Send claim keys the discovery document does not list.
        [Parameter()]
        [switch] $AllowUnknownClaimKey,

        # Return the template as read back after setting it.
        [Parameter()]
        [switch] $PassThru,

        # Where to connect and with which token: a host name, or an object with HostName, ApiBaseUri, Token, ...
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
    }

    process {
        $isRepository = $PSCmdlet.ParameterSetName -eq 'Set the customization template for an OIDC subject claim for a repository'
        $target = if ($isRepository) { "$Owner/$Repository" } else { $Owner }
        $what = if ($isRepository) { "repository [$target]" } else { "organization [$target]" }
        $repositoryName = if ($isRepository) { $Repository } else { $null }

        # Only what the user bound is sent: $null means "not given" for the native layer.
        $useDefaultValue = if ($PSBoundParameters.ContainsKey('UseDefault')) { [bool]$UseDefault } else { $null }
        $keys = if ($null -ne $IncludeClaimKeys -and $IncludeClaimKeys.Count -gt 0) { [string[]]$IncludeClaimKeys } else { $null }
        $immutable = if ($PSBoundParameters.ContainsKey('UseImmutableSubject')) { $UseImmutableSubject } else { $null }

        # The native layer checks the keys and builds the exact body first (a dry run), so -WhatIf
        # and -Confirm show what would be sent and never approve a template GitHub would reject.
        $request = [GitHubOidc.Native.SetSubjectClaimRequest]@{
            Context             = $state.Context
            Owner               = $Owner
            Repository          = $repositoryName
            UseDefault          = $useDefaultValue
            IncludeClaimKeys    = $keys
            UseImmutableSubject = $immutable
            AllowUnknownKeys    = $AllowUnknownClaimKey.IsPresent
        }
        $sending = Get-GitHubOidcWritePlan -Request $request -Cmdlet $PSCmdlet -TargetObject $target
        $description = ConvertTo-GitHubOidcSafeText "OIDC subject claim for $what"
        if (-not $sending -or -not $PSCmdlet.ShouldProcess($description, "Set ($sending)")) {
            return
        }
        $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $target
        if ($null -eq $answer) { return }

        if ($PassThru) {
            $read = [GitHubOidc.Native.GetSubjectClaimRequest]@{ Context = $state.Context; Owner = $Owner; Repository = $repositoryName }
            $readBack = Invoke-GitHubOidcNative -Request $read `
                -Cmdlet $PSCmdlet -TargetObject $target
            if ($null -eq $readBack) { return }
            [GitHubOidc.Native.ShapedObject]::SubjectClaim($readBack, $state.Target)
        }
    }
}
