function Read-GitHubOidcConfigurationFile {
    <#
        .SYNOPSIS
        Reads a desired-state file and has the native layer check it, before any request.

        .DESCRIPTION
        A .psd1 is read with Import-PowerShellDataFile (safe: no code runs) and passed as an object
        (the facade serialises the hashtable); any other file is passed as its text (JSON). The
        native layer parses both into the same types and checks everything that needs no
        request: unknown fields, wrong types, claim keys, contradicting entries, names. A file that
        cannot be read or is not valid is the calling command's terminating error, naming the
        entry. Returns the request fields (DocumentText or Document) and the document's Owner.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The desired-state file (.json or .psd1).
        [Parameter(Mandatory)]
        [string] $Path,

        # The calling command (terminating errors).
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $resolved = $null
    try {
        $provider = $null
        $resolved = $Cmdlet.GetResolvedProviderPathFromPSPath($Path, [ref]$provider)
    } catch {
        $resolved = $null
    }
    if (-not $resolved -or -not (Test-Path -LiteralPath $resolved[0] -PathType Leaf)) {
        $Cmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -Message "The desired-state file '$Path' was not found." `
                    -Kind NotFound -Category ObjectNotFound -TargetObject $Path))
    }
    $file = $resolved[0]
    $text = $null
    $document = $null
    try {
        if ([System.IO.Path]::GetExtension($file) -eq '.psd1') {
            $document = Import-PowerShellDataFile -LiteralPath $file -ErrorAction Stop
        } else {
            $text = [System.IO.File]::ReadAllText($file)
        }
    } catch {
        $message = "The desired-state file '$file' could not be read: $($_.Exception.Message)"
        $Cmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -Message $message -Category ReadError -TargetObject $file))
    }
    $request = [GitHubOidc.Native.ConfigValidateRequest]@{ DocumentText = $text; Document = $document }
    $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $Cmdlet -TargetObject $file -Terminating
    [pscustomobject]@{
        Path         = $file
        DocumentText = $text
        Document     = $document
        Owner        = $answer['document']['Owner']
    }
}
