function ConvertTo-GitHubOidcConfigurationDifference {
    <#
        .SYNOPSIS
        One difference of ghoidc_config_compare as a GitHubOidc.ConfigurationDifference.
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.ConfigurationDifference')]
    param(
        # One item of the compare answer's differences.
        [Parameter(Mandatory)]
        [hashtable] $Answer
    )

    [pscustomobject]@{
        PSTypeName = 'GitHubOidc.ConfigurationDifference'
        Owner      = $Answer['owner']
        Repository = $Answer['repository']
        Property   = $Answer['property']
        Current    = $Answer['current']
        Desired    = $Answer['desired']
        Action     = $Answer['action']
        Entry      = $Answer['entry']
    }
}
