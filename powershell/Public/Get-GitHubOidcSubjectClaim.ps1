# Compiled: GitHubOidc.Native.GetSubjectClaimCommand (GitHubOidc.Native/GetSubjectClaimCommand.cs). This
# file is the cmdlet's help and parameters: build.ps1 writes the help as MAML for it, and
# Module.Tests checks that the cmdlet declares these parameters (issue 20: the first call).
function Get-GitHubOidcSubjectClaim {
    <#
        .SYNOPSIS
        Gets the OIDC subject claim (sub) customization template of an organization or a repository.

        .DESCRIPTION
        Reads the template that decides the `sub` claim of the OIDC tokens GitHub Actions issues,
        for an organization (-Owner) or a repository (-Owner and -Repository).

        The result is a GitHubOidc.SubjectClaim object with Owner, Repository, UseDefault,
        IncludeClaimKeys, UseImmutableSubject, SubClaimPrefix, Customized and HostName. GitHub's
        own property names (include_claim_keys, use_default, use_immutable_subject,
        sub_claim_prefix) work too, so scripts written for PSModule/GitHub keep working.

        An organization that never customized its template is not an error: the result has
        Customized set to $false and the default keys repo, context. A missing organization or
        repository is a GitHubOidc.NotFound error.

        For a repository, UseDefault $true means GitHub's default format; UseDefault $false with
        no keys means the repository uses its organization's template. SubClaimPrefix is the
        authoritative `repo` part of the subject (it shows the immutable OWNER@ID/REPO@ID form).

        Objects can be piped in by property name (Owner, Repository), so a list of repositories
        can be read in one pipeline; an error for one item does not stop the others.

        .PARAMETER Owner
        The organization name, or the account that owns the repository. Aliases: Organization, User.

        .PARAMETER Repository
        The repository name, without the .git extension. Alias: Repo.

        .PARAMETER Context
        Where to connect and with which token. Omitted: GH_HOST if set, else github.com. A string
        is a host name (github.com, SUBDOMAIN.ghe.com, or a GitHub Enterprise Server host). An
        object or hashtable may carry HostName, ApiBaseUri, IssuerUri, Token (string or
        SecureString), TimeoutSec, MaxRetries and MaxRetryWaitSec; PSModule/GitHub context objects
        work as they are. Without a token in the context the token comes from GH_TOKEN, then
        GITHUB_TOKEN, then 'gh auth token'.

        .EXAMPLE
        Get-GitHubOidcSubjectClaim -Owner octo-org

        Gets the organization's template. Customized is $false when the organization never set one.

        .EXAMPLE
        Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo | Format-List

        Gets a repository's template, including SubClaimPrefix and UseImmutableSubject.

        .EXAMPLE
        Import-Csv repos.csv | Get-GitHubOidcSubjectClaim -Context octocorp.ghe.com

        Reads the template of every Owner/Repository row of a CSV file on GHE.com.

        .INPUTS
        Any object with Owner (or Organization, User) and optionally Repository (or Repo) properties.

        .OUTPUTS
        GitHubOidc.SubjectClaim

        .NOTES
        REST API:
        https://docs.github.com/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-an-organization
        https://docs.github.com/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-a-repository

        Permissions:
        | Endpoint | Fine-grained token permission | Classic scope |
        | Org GET  | Administration org (read)     | read:org      |
        | Repo GET | Actions repo (read)           | repo          |

        .LINK
        https://github.com/GitHubOidc/GitHubOidc

        .LINK
        Set-GitHubOidcSubjectClaim

        .LINK
        Get-GitHubOidcClaim
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '',
        Justification = 'A declaration only: the command is compiled (GetSubjectClaimCommand), with these parameters.')]
    [CmdletBinding(DefaultParameterSetName = 'Get the customization template for an OIDC subject claim for an organization')]
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
            ParameterSetName = 'Get the customization template for an OIDC subject claim for a repository'
        )]
        # The repository name, without the .git extension.
        [Alias('Repo')]
        [ValidateNotNullOrEmpty()]
        [string] $Repository,

        # Where to connect and with which token: a host name, or an object with HostName, ApiBaseUri, Token, ...
        [Parameter()]
        [object] $Context
    )

    # No body here: the command is compiled (see the first line of this file).
    process { }
}
