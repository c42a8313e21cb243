function Get-GitHubOidcContext {
    <#
        .SYNOPSIS
        Shows how a -Context value resolves: host, kind of instance, API and issuer URLs, token source.

        .DESCRIPTION
        Resolves the context exactly as the other commands do and shows the result: HostName,
        Kind (GitHubCom, GheCom or Ghes), ApiBaseUri, IssuerUri, DiscoveryUri, HasToken and
        TokenSource (Context, GH_TOKEN, GITHUB_TOKEN or gh), TimeoutSec, MaxRetries and CachePath
        (the folder of the conditional-request cache, when the context names one). The token
        itself is never shown. No request is made; a cache file in CachePath that cannot be read
        (corrupt, or written by another version) is a warning.

        A context with a GitHub App shows TokenSource 'GitHubApp' and App: its ClientId or AppId,
        the Issuer of its JWT, the InstallationId when given (otherwise it is looked up for each
        owner), KeySource (PrivateKey or PrivateKeyPath) and PrivateKeyPath. The key is checked
        (an RSA private key in PEM) but never shown, nor any JWT or installation token.

        | Host               | API base                     | Issuer                                       |
        | github.com         | https://api.github.com       | https://token.actions.githubusercontent.com  |
        | SUBDOMAIN.ghe.com  | https://api.SUBDOMAIN.ghe.com| https://token.actions.SUBDOMAIN.ghe.com      |
        | any other host     | https://HOST/api/v3          | https://HOST/_services/token                 |

        .PARAMETER Context
        Omitted: GH_HOST if set, else github.com. A string is a host name. An object or hashtable
        may carry HostName, ApiBaseUri, IssuerUri, Token (string or SecureString), TimeoutSec,
        MaxRetries, MaxRetryWaitSec and CachePath; PSModule/GitHub context objects work as they are.
        Instead of a Token, a GitHub App: ClientId (or AppId), PrivateKey (PEM text or a
        SecureString) or PrivateKeyPath, and optionally InstallationId.

        .PARAMETER NoTokenLookup
        Do not look for a token in GH_TOKEN, GITHUB_TOKEN or gh.

        .EXAMPLE
        Get-GitHubOidcContext -Context octocorp.ghe.com

        Shows the API (https://api.octocorp.ghe.com) and issuer (https://token.actions.octocorp.ghe.com) of a GHE.com instance.

        .EXAMPLE
        Get-GitHubOidcContext -Context github.example.com | Format-List

        Shows the API (https://github.example.com/api/v3) and issuer (https://github.example.com/_services/token) of a GitHub Enterprise Server.

        .EXAMPLE
        Get-GitHubOidcContext

        Shows the default context (GH_HOST or github.com) and where its token comes from.

        .EXAMPLE
        Get-GitHubOidcContext -Context @{ ClientId = 'Iv23liExample'; PrivateKeyPath = './my-app.private-key.pem' } | Format-List

        Shows a GitHub App context: TokenSource GitHubApp, and App with the client ID, KeySource PrivateKeyPath and the key file's full path.

        .OUTPUTS
        GitHubOidc.Context

        .NOTES
        Token lookup order: the context's Token, GH_TOKEN, GITHUB_TOKEN, 'gh auth token --hostname HOST'.

        .LINK
        https://github.com/GitHubOidc/GitHubOidc

        .LINK
        Get-GitHubOidcSubjectClaim
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.Context')]
    param(
        # A host name, or an object with HostName, ApiBaseUri, IssuerUri, Token, ...
        [Parameter(Position = 0, ValueFromPipeline)]
        [object] $Context,

        # Do not look for a token in the environment or gh.
        [Parameter()]
        [switch] $NoTokenLookup
    )

    process {
        $state = Initialize-GitHubOidcContext -Context $Context -NoToken:$NoTokenLookup
        if ($state -is [System.Management.Automation.ErrorRecord]) {
            $PSCmdlet.WriteError($state)
            return
        }
        $info = $state.Info
        [pscustomobject]@{
            PSTypeName   = 'GitHubOidc.Context'
            HostName     = [string]$info['host_name']
            Kind         = [string]$info['kind']
            ApiBaseUri   = [string]$info['api_base_uri']
            IssuerUri    = [string]$info['issuer_uri']
            DiscoveryUri = [string]$info['discovery_uri']
            HasToken     = [bool]$info['has_token']
            TokenSource  = if ($info['app']) { 'GitHubApp' } else { $state.Context.TokenSource }
            App          = if ($info['app']) {
                $app = $info['app']
                [pscustomobject]@{
                    PSTypeName     = 'GitHubOidc.App'
                    ClientId       = $app['client_id']
                    AppId          = $app['app_id']
                    Issuer         = $app['issuer']
                    InstallationId = $app['installation_id']
                    KeySource      = $app['key_source']
                    PrivateKeyPath = $app['private_key_path']
                }
            }
            TimeoutSec   = $info['timeout_sec']
            MaxRetries   = $info['max_retries']
            CachePath    = $info['cache_path']
        }
    }
}
