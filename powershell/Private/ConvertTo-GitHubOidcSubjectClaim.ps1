# GitHub's property names -> the object's (alias properties of every GitHubOidc.SubjectClaim).
$script:GitHubOidcSubjectClaimAliases = [ordered]@{
    include_claim_keys    = 'IncludeClaimKeys'
    use_default           = 'UseDefault'
    use_immutable_subject = 'UseImmutableSubject'
    sub_claim_prefix      = 'SubClaimPrefix'
}

function ConvertTo-GitHubOidcSubjectClaim {
    <#
        .SYNOPSIS
        Shapes a template answer from the native layer as a GitHubOidc.SubjectClaim object.

        .DESCRIPTION
        PowerShell-style property names; GitHub's own names (include_claim_keys, use_default,
        use_immutable_subject, sub_claim_prefix) are alias properties added to each object.

        Organization objects have no Repository property at all: a null Repository would make
        pipeline binding to Set-GitHubOidcSubjectClaim fail ("argument is null") instead of
        choosing the organization parameter set.
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.SubjectClaim')]
    param(
        # The Hashtable returned by GetSubjectClaim.
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Answer,

        # The host the template lives on.
        [Parameter(Mandatory)]
        [string] $HostName
    )

    $keys = $Answer['include_claim_keys']
    $properties = [ordered]@{
        Owner = [string]$Answer['owner']
    }
    if ($Answer['repository']) {
        $properties['Repository'] = [string]$Answer['repository']
    }
    $properties['UseDefault'] = $Answer['use_default']
    $properties['IncludeClaimKeys'] = if ($null -ne $keys) { [string[]]@($keys) } else { $null }
    $properties['UseImmutableSubject'] = $Answer['use_immutable_subject']
    $properties['SubClaimPrefix'] = $Answer['sub_claim_prefix']
    $properties['Customized'] = [bool]$Answer['customized']
    $properties['HostName'] = $HostName
    # GitHub's own names as alias properties, so scripts written for PSModule/GitHub keep
    # working. Added per object rather than with a types.ps1xml: type data at import makes
    # PowerShell reload its whole type table (issue 10's import budget). The object is
    # [pscustomobject]@{ PSTypeName = 'GitHubOidc.SubjectClaim'; ... } with those aliases, built
    # in one call (ShapedObject): a fresh process's first command compiles less (issue 20).
    [GitHubOidc.Native.ShapedObject]::Create('GitHubOidc.SubjectClaim', $properties, $script:GitHubOidcSubjectClaimAliases)
}
