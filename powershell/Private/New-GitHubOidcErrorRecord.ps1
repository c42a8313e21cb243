function New-GitHubOidcErrorRecord {
    <#
        .SYNOPSIS
        Turns an exception from the native layer into an ErrorRecord with a stable ErrorId.

        .DESCRIPTION
        ErrorId is 'GitHubOidc.<Kind>' (GitHubOidc.NotFound, GitHubOidc.Forbidden, ...). The message
        is the native message, which already holds GitHub's message, the documentation URL and,
        for 401/403, the permission the endpoint needs. Any other exception becomes
        GitHubOidc.Internal (or GitHubOidc.InvalidArgument for argument exceptions). With -Message
        instead of -Exception it makes the record for a problem the script layer found itself
        (GitHubOidc.<Kind>, InvalidArgument by default). Every error record of the module is made by
        GitHubOidc.Native.ErrorRecords, which this calls.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute(
        'PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Creates an in-memory ErrorRecord; it changes no state.'
    )]
    [CmdletBinding(DefaultParameterSetName = 'Exception')]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        # The exception, as caught (wrappers such as MethodInvocationException are unwrapped).
        [Parameter(Mandatory, ParameterSetName = 'Exception')]
        [System.Exception] $Exception,

        # A problem found by the script layer: the message (never holding a token).
        [Parameter(Mandatory, ParameterSetName = 'Message')]
        [string] $Message,

        # With -Message: the ErrorId suffix.
        [Parameter(ParameterSetName = 'Message')]
        [string] $Kind = 'InvalidArgument',

        # With -Message: the category (InvalidArgument by default).
        [Parameter(ParameterSetName = 'Message')]
        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::InvalidArgument,

        # With -Message: what to do about it.
        [Parameter(ParameterSetName = 'Message')]
        [string] $RecommendedAction,

        # What the operation was about: 'owner/repo', the owner, or the host name.
        [Parameter()]
        [AllowNull()]
        [object] $TargetObject,

        # Texts that must never appear in the record (tokens), replaced by '[REDACTED]' like every token shape.
        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [string[]] $Secret
    )

    # Every text of the record goes through the one redaction (Rust, ghoidc_redact): token shapes
    # and the request's own secrets, wherever they came from (user input echoed in a message,
    # a target such as 'owner/repo' typed by the user).
    # One implementation of the error model, in C# (GitHubOidc.Native/ErrorRecords.cs), which the
    # facade's own command paths use too.
    if ($PSCmdlet.ParameterSetName -eq 'Message') {
        return [GitHubOidc.Native.ErrorRecords]::FromMessage($Message, $Kind, $Category, $RecommendedAction, $TargetObject, $Secret)
    }
    [GitHubOidc.Native.ErrorRecords]::FromException($Exception, $TargetObject, $Secret)
}
