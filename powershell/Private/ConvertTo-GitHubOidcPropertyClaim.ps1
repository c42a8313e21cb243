function ConvertTo-GitHubOidcPropertyClaim {
    <#
        .SYNOPSIS
        Shapes one custom-property inclusion from the native layer as a GitHubOidc.PropertyClaim.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The native answer for one inclusion (custom_property_name, inclusion_source, claim_key).
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $Answer,

        # The organization the inclusion was read for, or $null.
        [Parameter()]
        [AllowNull()]
        [string] $Owner,

        # The enterprise the inclusion was read for, or $null.
        [Parameter()]
        [AllowNull()]
        [string] $Enterprise
    )
    $result = [ordered]@{
        PSTypeName = 'GitHubOidc.PropertyClaim'
        Name       = [string]$Answer['custom_property_name']
        ClaimKey   = [string]$Answer['claim_key']
        Source     = [string]$Answer['inclusion_source']
    }
    if ($Owner) { $result['Owner'] = $Owner }
    if ($Enterprise) { $result['Enterprise'] = $Enterprise }
    [pscustomobject]$result
}
