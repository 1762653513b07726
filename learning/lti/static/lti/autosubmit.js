// Send the deep-linking response at once; the button stays for browsers without script.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
