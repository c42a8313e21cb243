function ConvertTo-GitHubOidcSafeText {
    <#
        .SYNOPSIS
        A text the module composed from user input, with every token removed, for any stream.

        .DESCRIPTION
        Verbose, debug and warning lines, ShouldProcess texts and error messages that quote
        what the user typed (owner, repository, host name, claim key, property name) go through
        the one redaction of the project (Rust, ghoidc_redact, via NativeClient.Redact): every
        GitHub token shape and JWT becomes [REDACTED]. Texts answered by the native library are
        redacted already.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The text.
        [Parameter(Mandatory, Position = 0)]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $Text
    )
    [GitHubOidc.Native.NativeClient]::Redact($Text)
}
