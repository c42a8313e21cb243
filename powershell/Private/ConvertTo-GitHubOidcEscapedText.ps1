function ConvertTo-GitHubOidcEscapedText {
    <#
        .SYNOPSIS
        The one escaping of text the module writes for a GitHub Actions runner: Markdown table
        cells of the job summary, and the message and properties of workflow commands.

        .DESCRIPTION
        -As Markdown: a value in a Markdown table cell (or a line of text) shows as itself: the
        characters Markdown or HTML would read (\ ` * _ [ ] < > | # ~ and &) are escaped, and
        line breaks become <br>, so a claim value cannot end the cell, start a table, a link or
        an HTML tag.
        -As Data: a workflow command's message (::error ...::MESSAGE), as the runner reads it:
        % -> %25, CR -> %0D, LF -> %0A.
        -As Property: a workflow command's property value (title=VALUE): the same, plus
        : -> %3A and , -> %2C.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The text (any object: it is turned into a string; $null is empty).
        [Parameter(Mandatory, Position = 0)]
        [AllowNull()]
        [AllowEmptyString()]
        [object] $Text,

        # Markdown, Data or Property.
        [Parameter(Mandatory)]
        [ValidateSet('Markdown', 'Data', 'Property')]
        [string] $As
    )

    $value = if ($null -eq $Text) { '' } else { [string]$Text }
    switch ($As) {
        'Markdown' {
            $builder = [System.Text.StringBuilder]::new($value.Length + 8)
            $value = $value.Replace("`r`n", "`n").Replace("`r", "`n")
            foreach ($c in $value.ToCharArray()) {
                switch ($c) {
                    '&' { $null = $builder.Append('&amp;') }
                    '<' { $null = $builder.Append('&lt;') }
                    '>' { $null = $builder.Append('&gt;') }
                    "`n" { $null = $builder.Append('<br>') }
                    { $_ -in [char]'\', [char]'`', [char]'*', [char]'_', [char]'[', [char]']', [char]'|', [char]'#', [char]'~' } {
                        $null = $builder.Append('\').Append($c)
                    }
                    default { $null = $builder.Append($c) }
                }
            }
            return $builder.ToString()
        }
        'Data' {
            return $value.Replace('%', '%25').Replace("`r", '%0D').Replace("`n", '%0A')
        }
        'Property' {
            return $value.Replace('%', '%25').Replace("`r", '%0D').Replace("`n", '%0A').Replace(':', '%3A').Replace(',', '%2C')
        }
    }
}
