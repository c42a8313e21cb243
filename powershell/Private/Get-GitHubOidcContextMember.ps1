function Get-GitHubOidcContextMember {
    <#
        .SYNOPSIS
        Reads one member of a context given as a hashtable or as any object; $null when absent.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        # The hashtable or object.
        [Parameter(Mandatory)]
        [object] $InputObject,

        # The member name (case-insensitive).
        [Parameter(Mandatory)]
        [string] $Name
    )

    if ($InputObject -is [System.Collections.IDictionary]) {
        foreach ($key in $InputObject.Keys) {
            if ($key -is [string] -and $key -eq $Name) {
                return $InputObject[$key]
            }
        }
        return $null
    }
    $property = [System.Management.Automation.PSObject]::AsPSObject($InputObject).PSObject.Properties[$Name]
    if ($property) {
        try {
            return $property.Value
        } catch {
            return $null
        }
    }
    $null
}
