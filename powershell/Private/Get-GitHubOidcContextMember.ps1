function Get-GitHubOidcContextMember {
    <#
        .SYNOPSIS
        Reads the named members of a context given as a hashtable or as any object, in one pass.

        .DESCRIPTION
        Returns a case-insensitive hashtable name -> value holding the members that exist (a
        dictionary key matches a name case-insensitively; a property whose getter throws is
        left out). One call per context rather than one per member: this runs on every command.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        # The hashtable or object.
        [Parameter(Mandatory)]
        [object] $InputObject,

        # The member names.
        [Parameter(Mandatory)]
        [string[]] $Name
    )

    $found = @{}
    if ($InputObject -is [System.Collections.IDictionary]) {
        foreach ($key in $InputObject.Keys) {
            if ($key -is [string] -and $Name -contains $key -and -not $found.ContainsKey($key)) {
                $found[$key] = $InputObject[$key]
            }
        }
        return $found
    }
    $properties = [System.Management.Automation.PSObject]::AsPSObject($InputObject).PSObject.Properties
    foreach ($member in $Name) {
        $property = $properties[$member]
        if ($property) {
            try {
                $found[$member] = $property.Value
            } catch {
                $null = $_
            }
        }
    }
    $found
}
