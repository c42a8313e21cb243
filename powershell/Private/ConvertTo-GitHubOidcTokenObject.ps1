function ConvertTo-GitHubOidcTokenObject {
    <#
        .SYNOPSIS
        A token header or claim table as an object with the claim names sorted.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The case-insensitive Hashtable from the native layer.
        [Parameter()]
        [AllowNull()]
        [object] $Table
    )

    $ordered = [ordered]@{}
    if ($Table -is [System.Collections.IDictionary]) {
        foreach ($name in @($Table.Keys | Sort-Object)) {
            $ordered[$name] = $Table[$name]
        }
    }
    [pscustomobject]$ordered
}
