# Writing the commands' comment-based help as a MAML help file (<module>.psm1-help.xml), for
# build.ps1. The built module's signatures then carry '.ExternalHelp' instead of their help text:
# PowerShell parses less at Import-Module (issue 10), and Get-Help reads the file only when asked.
# The help stays written once, as comment-based help in powershell/Public; PowerShell itself parses
# it (Get-Help on the source function), and this file only writes that help object out as MAML.
# Dot-source it:  . "$PSScriptRoot/tools/MamlHelp.ps1"

function ConvertTo-MamlHelp {
    <#
        .SYNOPSIS
        Writes Get-Help -Full objects of comment-based help as one MAML helpItems document.

        .DESCRIPTION
        Every part Get-Help shows is kept: synopsis, description, syntax, parameters (with
        type, default value, pipeline input, position, aliases), inputs, outputs, notes,
        examples (introduction, code, remarks) and related links. Returns the XML text.

        .EXAMPLE
        $help = & { . ./powershell/Public/Get-GitHubOidcClaim.ps1; Get-Help Get-GitHubOidcClaim -Full }
        ConvertTo-MamlHelp -Help $help | Set-Content en-US/GitHubOidc.psm1-help.xml
    #>
    param([Parameter(Mandatory)] [object[]] $Help)
    # Help objects carry a property only where the help has it (no aliases, no inputs, ...).
    Set-StrictMode -Off

    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $stream = [System.IO.MemoryStream]::new()
    $xml = [System.Xml.XmlWriter]::Create($stream, $settings)

    # Paragraphs: the Text of each entry, as Get-Help gives them.
    $writeParas = {
        param($entries)
        foreach ($entry in @($entries)) {
            if ($null -eq $entry) { continue }
            $value = if ($entry -is [string]) { $entry } else { [string]$entry.Text }
            $xml.WriteElementString('maml', 'para', $maml, $value)
        }
    }
    $writeDescription = {
        param($entries)
        # None at all (not even an empty paragraph) is how Get-Help shows an absent description.
        if (-not @($entries | Where-Object { $null -ne $_ })) { return }
        $xml.WriteStartElement('maml', 'description', $maml)
        & $writeParas $entries
        $xml.WriteEndElement()
    }
    $writeParameter = {
        param($parameter, [switch] $InSyntax)
        $xml.WriteStartElement('command', 'parameter', $command)
        $xml.WriteAttributeString('required', [string]$parameter.required)
        $xml.WriteAttributeString('variableLength', 'true')
        $xml.WriteAttributeString('globbing', [string]$parameter.globbing)
        $xml.WriteAttributeString('pipelineInput', [string]$parameter.pipelineInput)
        $xml.WriteAttributeString('position', [string]$parameter.position)
        $xml.WriteAttributeString('aliases', [string]$parameter.aliases)
        $xml.WriteElementString('maml', 'name', $maml, [string]$parameter.name)
        & $writeDescription $parameter.description
        # A switch shows as [-Name] in the syntax, as -Name [<SwitchParameter>] among the parameters.
        $value = [string]$parameter.parameterValue
        if ($value -and -not ($InSyntax -and $value -eq 'SwitchParameter')) {
            $xml.WriteStartElement('command', 'parameterValue', $command)
            $xml.WriteAttributeString('required', [string]($value -ne 'SwitchParameter').ToString().ToLowerInvariant())
            $xml.WriteAttributeString('variableLength', 'false')
            $xml.WriteString($value)
            $xml.WriteEndElement()
        }
        if (-not $InSyntax) {
            $type = if ($parameter.type) { [string]$parameter.type.name } else { $value }
            $xml.WriteStartElement('dev', 'type', $dev)
            $xml.WriteElementString('maml', 'name', $maml, $type)
            $xml.WriteEndElement()
            $xml.WriteElementString('dev', 'defaultValue', $dev, [string]$parameter.defaultValue)
        }
        $xml.WriteEndElement()
    }
    $writeTypes = {
        param([string] $list, [string] $item, $entries)
        $entries = @($entries | Where-Object { $null -ne $_ })
        if (-not $entries) { return }
        $xml.WriteStartElement('command', $list, $command)
        foreach ($entry in $entries) {
            $xml.WriteStartElement('command', $item, $command)
            $xml.WriteStartElement('dev', 'type', $dev)
            $xml.WriteElementString('maml', 'name', $maml, [string]$entry.type.name)
            $xml.WriteEndElement()
            & $writeDescription $entry.description
            $xml.WriteEndElement()
        }
        $xml.WriteEndElement()
    }

    $xml.WriteStartDocument()
    $xml.WriteStartElement('helpItems', 'http://msh')
    $xml.WriteAttributeString('schema', 'maml')
    foreach ($item in $Help) {
        $name = [string]$item.Name
        $verb, $noun = $name -split '-', 2
        $xml.WriteStartElement('command', 'command', $command)
        $xml.WriteAttributeString('xmlns', 'maml', $null, $maml)
        $xml.WriteAttributeString('xmlns', 'dev', $null, $dev)

        $xml.WriteStartElement('command', 'details', $command)
        $xml.WriteElementString('command', 'name', $command, $name)
        $xml.WriteElementString('command', 'verb', $command, $verb)
        $xml.WriteElementString('command', 'noun', $command, $noun)
        & $writeDescription ([string]$item.Synopsis)
        $xml.WriteEndElement()

        & $writeDescription $item.description

        $xml.WriteStartElement('command', 'syntax', $command)
        foreach ($syntax in @($item.syntax.syntaxItem)) {
            $xml.WriteStartElement('command', 'syntaxItem', $command)
            $xml.WriteElementString('maml', 'name', $maml, [string]$syntax.name)
            foreach ($parameter in @($syntax.parameter)) {
                if ($null -ne $parameter) { & $writeParameter $parameter -InSyntax }
            }
            $xml.WriteEndElement()
        }
        $xml.WriteEndElement()

        $xml.WriteStartElement('command', 'parameters', $command)
        foreach ($parameter in @($item.parameters.parameter)) {
            if ($null -ne $parameter) { & $writeParameter $parameter }
        }
        $xml.WriteEndElement()

        & $writeTypes 'inputTypes' 'inputType' $item.inputTypes.inputType
        & $writeTypes 'returnValues' 'returnValue' $item.returnValues.returnValue

        $alerts = @($item.alertSet.alert | Where-Object { $null -ne $_ })
        if ($alerts) {
            $xml.WriteStartElement('maml', 'alertSet', $maml)
            foreach ($alert in $alerts) {
                $xml.WriteStartElement('maml', 'alert', $maml)
                & $writeParas $alert
                $xml.WriteEndElement()
            }
            $xml.WriteEndElement()
        }

        $xml.WriteStartElement('command', 'examples', $command)
        foreach ($example in @($item.examples.example)) {
            if ($null -eq $example) { continue }
            $xml.WriteStartElement('command', 'example', $command)
            $xml.WriteElementString('maml', 'title', $maml, [string]$example.title)
            $xml.WriteStartElement('maml', 'introduction', $maml)
            & $writeParas $example.introduction
            $xml.WriteEndElement()
            $xml.WriteElementString('dev', 'code', $dev, [string]$example.code)
            $xml.WriteStartElement('dev', 'remarks', $dev)
            & $writeParas $example.remarks
            $xml.WriteEndElement()
            $xml.WriteEndElement()
        }
        $xml.WriteEndElement()

        $xml.WriteStartElement('command', 'relatedLinks', $command)
        foreach ($link in @($item.relatedLinks.navigationLink)) {
            if ($null -eq $link) { continue }
            $xml.WriteStartElement('maml', 'navigationLink', $maml)
            $xml.WriteElementString('maml', 'linkText', $maml, [string]$link.linkText)
            if ($link.uri) { $xml.WriteElementString('maml', 'uri', $maml, [string]$link.uri) }
            $xml.WriteEndElement()
        }
        $xml.WriteEndElement()

        $xml.WriteEndElement()
    }
    $xml.WriteEndElement()
    $xml.WriteEndDocument()
    $xml.Flush()
    $settings.Encoding.GetString($stream.ToArray())
}
