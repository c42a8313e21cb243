function ConvertTo-GitHubOidcRepositoryState {
    <#
        .SYNOPSIS
        Turns a native RepositoryState answer into a GitHubOidc.RepositoryState object.

        .DESCRIPTION
        Renames the contract's snake_case members to the module's PascalCase properties; decides
        nothing (Source, IncludeClaimKeys and Immutable come from Rust).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The `state` member of a fleet item (a case-insensitive Hashtable).
        [Parameter(Mandatory)]
        [hashtable] $State,

        # The host the state was read from.
        [Parameter()]
        [string] $HostName
    )

    [pscustomobject]@{
        PSTypeName          = 'GitHubOidc.RepositoryState'
        Owner               = $State['owner']
        Repository          = $State['repository']
        RepositoryId        = [long] $State['repository_id']
        OwnerId             = [long] $State['owner_id']
        Visibility          = $State['visibility']
        Archived            = [bool] $State['archived']
        Source              = $State['source']
        IncludeClaimKeys    = [string[]] @($State['include_claim_keys'])
        OwnClaimKeys        = if ($null -ne $State['own_claim_keys']) { [string[]] @($State['own_claim_keys']) } else { $null }
        UseDefault          = $State['use_default']
        UseImmutableSubject = $State['use_immutable_subject']
        SubClaimPrefix      = $State['sub_claim_prefix']
        Immutable           = [bool] $State['immutable']
        ImmutablePrefix     = $State['immutable_prefix']
        LegacyPrefix        = $State['legacy_prefix']
        HostName            = $HostName
    }
}
